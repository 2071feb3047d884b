import {
  Mesh,
  systemScheduler,
  networkTransports,
  DEFAULT_NETWORK,
  type MeshOptions,
  type NetworkTransportOptions,
  type PeerInfo,
  type PeersChange,
  type Scheduler,
  type TimerHandle,
  type TransportFactory,
} from '../network/index.js';
import { SALT_BYTES, type Identity, type Packet, type PeerRole, type SecurityFrame } from '../protocol/index.js';
import type { QuorumSnapshot, QuorumTimings } from '../quorum/index.js';
import type { NodeStore, StoredResult } from '../store/types.js';
import { knownContributors } from './contributors.js';
import { Emitter } from './emitter.js';
import type { Embedder, TextGenerator } from './engine-ports.js';
import type { ContributeOptions, EngineLoader } from './engine-loader.js';
import { RakisError } from './errors.js';
import { resolveIdentity, type IdentityOptions } from './identity.js';
import type { NodeStatus, RakisNodeEvents } from './node-events.js';
import type { NodeApi, SignedRequest } from './node-api.js';
import { FollowingLoader } from './following-loader.js';
import type { RequestFollowing } from './request-following.js';
import { RequestJournal } from './request-journal.js';
import { EventStream, type RequestEvent, type RequestHandle, type RequestResult } from './request-handle.js';
import { requestPacket } from './request-packet.js';
import type { RequestParams } from './security-frame.js';
import { StatusBeacon } from './status-beacon.js';
import { VerifierRole } from './verifier-role.js';
import type { Answer } from './worker-role.js';

export type { NodeStatus, RakisNodeEvents } from './node-events.js';

export const CLIENT = 'rakis-elements/0.1';

export interface RakisNodeOptions extends IdentityOptions {
  /** Network name; any name other than `rakis1` is a private network. */
  network?: string;
  /** Transports to join; default: every signaling network trystero knows plus BroadcastChannel. */
  transports?: TransportFactory[];
  /** Signaling relays and ICE configuration when `transports` is not given. */
  relays?: Omit<NetworkTransportOptions, 'network'>;
  /** Persistence; without it the node keeps everything in memory. */
  store?: NodeStore;
  /** LLMs this node contributes; none makes it a follower. */
  generators?: TextGenerator[];
  /** Embedding engines for committing answers and verifying others'. */
  embedders?: Embedder[];
  /** How `contribute()` brings up engines; default: the real engines, imported only then. */
  engineLoader?: EngineLoader;
  /** Time source; the real clock by default. */
  scheduler?: Scheduler;
  timings?: Partial<QuorumTimings>;
  mesh?: Pick<MeshOptions, 'limits'>;
  /** How long a settled request is kept to count late attestations. */
  settledRetentionMs?: number;
  /**
   * Download the code that follows requests (quorums, consensus, reconciliation, the worker role) only
   * when the node first sends or hears of a request, or contributes: for an observer that may never ask
   * (the elements' own nodes). Until then `requests()` and `results` are empty. Default false: it is
   * loaded before `create` resolves.
   */
  loadRequestsOnUse?: boolean;
}

/** How a test or simulation harness builds the node's mesh (to send raw bytes or check signatures its own way). */
export interface NodeSeams {
  createMesh?: (options: MeshOptions) => Mesh;
}

const TICK_MS = 200;
/**
 * A clock further off than this makes answers land late: a commit signed near the end of a window by
 * a clock 5 s ahead reads as signed after it, past the 1.5 s grace.
 */
const CLOCK_TOLERANCE_MS = 5_000;

/**
 * A Rakis node: one identity, one mesh, the worker and verifier roles, the requests it follows and
 * their persistence. The only API elements and host pages use.
 */
export class RakisNode extends Emitter<RakisNodeEvents> implements NodeApi {
  readonly identity: Identity;
  readonly network: string;
  private readonly mesh: Mesh;
  private readonly scheduler: Scheduler;
  private readonly verifier: VerifierRole;
  private readonly embedders: Embedder[];
  private readonly journal: RequestJournal;
  private readonly beacon: StatusBeacon;
  private readonly options: RakisNodeOptions;
  /** The parts that follow requests, their code downloaded on first use (see `loadRequestsOnUse`). */
  private readonly following: FollowingLoader;
  private tickTimer: TimerHandle | undefined;
  private contributing: AbortController | undefined;
  private tokensServed = 0;
  private clockReported = false;
  private started = false;
  private stopped = false;

  private constructor(options: RakisNodeOptions, identity: Identity, seams: NodeSeams) {
    super();
    this.options = options;
    this.identity = identity;
    this.network = options.network ?? DEFAULT_NETWORK;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.embedders = options.embedders ?? [];
    this.verifier = new VerifierRole(this.embedders);
    const meshOptions: MeshOptions = {
      identity,
      transports: options.transports ?? networkTransports({ network: this.network, ...options.relays }),
      scheduler: this.scheduler,
      presence: () => ({
        role: this.role,
        models: this.models,
        embeddingModels: this.embedders.filter((e) => e.healthy()).map((e) => e.model),
        tokensServed: this.tokensServed,
        client: CLIENT,
      }),
      ...options.mesh,
    };
    this.mesh = seams.createMesh ? seams.createMesh(meshOptions) : new Mesh(meshOptions);
    this.journal = new RequestJournal({
      store: options.store,
      scheduler: this.scheduler,
      onError: (message, requestId) => this.emit('error', { code: 'storage', message, ...(requestId ? { requestId } : {}) }),
    });
    this.beacon = new StatusBeacon(this.scheduler, () => this.status, (status) => this.emit('status', status));
    this.following = new FollowingLoader(
      {
        identity,
        scheduler: this.scheduler,
        mesh: this.mesh,
        journal: this.journal,
        verifier: this.verifier,
        generators: options.generators ?? [],
        embedders: this.embedders,
        emit: this.emit.bind(this) as RakisNode['emit'],
        onAnswer: (answer) => this.commitAnswer(answer),
        stopped: () => this.stopped,
        eligible: (models) => this.knownContributors(models),
        ...(options.timings ? { timings: options.timings } : {}),
        ...(options.settledRetentionMs !== undefined ? { settledRetentionMs: options.settledRetentionMs } : {}),
      },
      (error) => this.emit('error', { code: 'network', message: `could not download the code that follows requests: ${error.message}` }),
    );
    this.mesh.onPacket((packet, delivery) => this.onPacket(packet, this.scheduler.now(), delivery.bytes));
    this.mesh.onPeersChange((peers) => this.onPeers(peers));
  }

  /**
   * Creates a node: resolves its identity (given, stored, or new) and its persisted settings.
   * @param seams - For test and simulation harnesses only.
   */
  static async create(options: RakisNodeOptions = {}, seams: NodeSeams = {}): Promise<RakisNode> {
    const node = new RakisNode(options, await resolveIdentity(options), seams);
    if (!options.loadRequestsOnUse || (options.generators ?? []).length > 0) await node.following.load();
    return node;
  }

  private get models(): string[] {
    return this.following.current?.worker.models ?? [];
  }

  get synthientId(): string {
    return this.identity.synthientId;
  }

  get role(): PeerRole {
    return this.following.current?.worker.contributes ? 'worker' : 'observer';
  }

  get status(): NodeStatus {
    return {
      synthientId: this.synthientId,
      network: this.network,
      role: this.role,
      started: this.started && !this.stopped,
      peers: this.mesh.peerCount,
      transports: this.mesh.health(),
      models: this.models,
      embeddingModels: this.embedders.map((e) => e.model),
      queue: this.following.current?.worker.status() ?? [],
      tokensServed: this.tokensServed,
      openRequests: this.following.current?.requests.unsettledCount ?? 0,
      packets: this.mesh.stats(),
      dropped: {
        requests: this.following.current?.requests.refused ?? 0,
        earlyPackets: (this.following.current?.requests.early.dropped ?? 0) + this.following.dropped,
        jobs: this.following.current?.worker.refused ?? 0,
      },
      storage: this.journal.kind,
      clock: clockStatus(this.mesh.clock.estimate()),
    };
  }

  get peers(): PeerInfo[] {
    return this.mesh.peers();
  }

  /** Settled requests, newest first (this session's and, with a store, earlier ones). */
  get results(): readonly StoredResult[] {
    return this.following.current?.requests.results.all ?? [];
  }

  /**
   * The contributors this node knows that run one of `models` (itself included): direct peers that say
   * so, and nodes gossiped as such and heard from in the last minute. What a request for those models
   * can count on, at most.
   */
  knownContributors(models: readonly string[], now = this.scheduler.now()): Set<string> {
    return knownContributors(this.mesh, { synthientId: this.synthientId, models: this.models }, models, now);
  }

  /** The live picture of one request this node follows. */
  quorum(requestId: string): QuorumSnapshot | undefined {
    return this.following.current?.requests.snapshot(requestId);
  }

  /** Requests this node follows, newest first. */
  requests(): QuorumSnapshot[] {
    return this.following.current?.requests.snapshots() ?? [];
  }

  async start(): Promise<void> {
    if (this.stopped) throw new RakisError('stopped', 'this node was stopped; create a new one');
    if (this.started) return;
    this.started = true;
    await this.resume();
    this.mesh.start();
    this.scheduleTick();
    this.beacon.changed();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.following.current?.stop();
    this.verifier.stop();
    this.contributing?.abort();
    if (this.tickTimer) this.scheduler.clearTimeout(this.tickTimer);
    await this.journal.flush();
    await this.mesh.close();
    this.beacon.final();
  }

  /**
   * Starts contributing compute: loads the engines (lazily, with progress events) and then serves
   * requests for these models. Rejects with `RakisError('engine')` when they cannot load.
   */
  async contribute(options: ContributeOptions): Promise<void> {
    if (this.stopped) throw new RakisError('stopped', 'this node was stopped');
    this.contributing?.abort();
    const abort = new AbortController();
    this.contributing = abort;
    const loader = this.options.engineLoader ?? defaultEngineLoader;
    try {
      const withKey = options.api ? await (await import('./api-key-vault.js')).withRememberedApiKey(options, this.options.store, this.options.password) : options;
      const [{ generators, embedders }, { worker }] = await Promise.all([
        loader({ ...withKey, signal: abort.signal, onProgress: (progress) => this.emit('engine-progress', progress) }),
        this.following.load(),
      ]);
      if (abort.signal.aborted) throw new RakisError('cancelled', 'loading was cancelled');
      this.embedders.push(...embedders.filter((e) => !this.embedders.some((known) => known.model === e.model)));
      worker.addGenerators(generators.filter((g) => !worker.models.includes(g.model)));
      this.mesh.announceStatus();
      this.beacon.changed();
    } catch (error) {
      const rakisError = error instanceof RakisError ? error : new RakisError('engine', (error as Error).message, { cause: error });
      this.emit('error', { code: rakisError.code, message: rakisError.message });
      throw rakisError;
    } finally {
      if (this.contributing === abort) this.contributing = undefined;
    }
  }

  /** Cancels an engine load in progress. */
  cancelContribute(): void {
    this.contributing?.abort();
  }

  /**
   * Asks the network. Throws `RakisError` (`invalid-frame`, `invalid-params`, `not-started`) for
   * input it cannot send; everything after that is reported through the handle.
   */
  request(prompt: string, frame: SecurityFrame, params: RequestParams): RequestHandle {
    if (!this.started || this.stopped) throw new RakisError('not-started', 'start the node before sending requests');
    const now = this.scheduler.now();
    const packet = requestPacket(this.identity, prompt, frame, params, now);
    return this.track(packet, now);
  }

  /**
   * Sends and follows a request this node's identity signed in another tab of its site (`tab-link`): its
   * events and result come as this node's events. One it follows already (resumed from the store) stays.
   */
  submit(packet: SignedRequest): void {
    if (!this.started || this.stopped) throw new RakisError('not-started', 'start the node before sending requests');
    if (packet.from !== this.synthientId) throw new RakisError('invalid-params', 'the request is not signed by this node');
    const follow = (following: RequestFollowing) => {
      if (!this.stopped && !following.requests.has(packet.body.requestId)) following.trackOwn(packet, this.scheduler.now());
    };
    if (this.following.current) follow(this.following.current);
    else this.following.load().then(follow, () => undefined);
  }

  private track(packet: SignedRequest, now: number): RequestHandle {
    const requestId = packet.body.requestId;
    const stream = new EventStream<RequestEvent>();
    let resolve!: (result: RequestResult) => void;
    const result = new Promise<RequestResult>((r) => (resolve = r));
    const track = (following: RequestFollowing) => {
      if (!this.stopped) following.trackOwn(packet, now, { stream, resolve });
    };
    const unsent = (error: Error) => {
      stream.close();
      resolve({ requestId, outcome: 'failed', attestations: 0, explanation: `not sent: could not download the code that follows requests (${error.message})` });
    };
    if (this.following.current) track(this.following.current);
    else this.following.load().then(track, unsent);
    const cancel = () => this.following.current?.requests.cancel(requestId);
    return { requestId, events: stream, result, cancel: () => (this.following.current ? cancel() : void this.following.load().then(cancel, () => {})), snapshot: () => this.quorum(requestId) };
  }

  private onPacket(packet: Packet, now: number, bytes: number): void {
    if (this.following.current) return this.following.current.receive(packet, now, bytes);
    const type = packet.body.type;
    if (type === 'digest' || type === 'digests' || type === 'want' || 'requestId' in packet.body) this.following.hold(packet, bytes);
  }

  private onPeers({ joined, left, peers }: PeersChange): void {
    for (const peer of joined) this.emit('peer-joined', peer);
    if (joined.length > 0) this.following.current?.reconciler.peerJoined();
    for (const synthientId of left) this.emit('peer-left', { synthientId });
    if (this.hasListeners('peers')) this.emit('peers', peers());
    this.beacon.changed();
  }

  private async commitAnswer(answer: Answer): Promise<void> {
    if (this.stopped) return;
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    await this.following.current!.requests.commitOwn(answer.request.body.requestId, answer, salt, () => {
      this.tokensServed += answer.tokens;
      this.mesh.announceStatus();
      this.beacon.changed();
    });
  }

  /** Rebuilds the requests of an earlier session from the store, then catches up to now. */
  private async resume(): Promise<void> {
    const { quorums, results } = await this.journal.load();
    if (quorums.length === 0 && results.length === 0) return;
    const { requests, worker } = await this.following.load();
    requests.results.restore(results);
    for (const saved of quorums) {
      const requestId = requests.restore(saved);
      if (requestId) worker.markSeen(requestId);
    }
  }

  /** Says once when this clock turns out to be off (and the status keeps saying it while it is). */
  private checkClock(): void {
    const clock = clockStatus(this.mesh.clock.estimate());
    if (clock?.off && !this.clockReported) {
      const seconds = Math.abs(clock.offsetSeconds);
      const message = `this computer's clock is ${seconds} s ${clock.offsetSeconds > 0 ? 'ahead of' : 'behind'} the network's: requests and answers will miss their windows until it is set right`;
      this.emit('error', { code: 'clock', message });
    }
    this.clockReported = clock?.off ?? false;
  }

  private scheduleTick(): void {
    this.tickTimer = this.scheduler.setTimeout(() => {
      if (this.stopped) return;
      const now = this.scheduler.now();
      this.following.current?.tick(now);
      this.checkClock();
      this.beacon.check();
      this.scheduleTick();
    }, TICK_MS);
  }
}

/** The real engines, imported only when a node starts contributing. */
const defaultEngineLoader: EngineLoader = async (options) => {
  const { realEngineLoader } = await import('./real-engines.js');
  return realEngineLoader()(options);
};

function clockStatus(offsetMs: number | undefined): NodeStatus['clock'] {
  return offsetMs === undefined ? undefined : { offsetSeconds: Math.round(offsetMs / 1000), off: Math.abs(offsetMs) > CLOCK_TOLERANCE_MS };
}
