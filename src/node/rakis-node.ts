import {
  Mesh,
  systemScheduler,
  networkTransports,
  DEFAULT_NETWORK,
  type MeshOptions,
  type NetworkTransportOptions,
  type PeerInfo,
  type Scheduler,
  type TimerHandle,
  type TransportFactory,
} from '../network/index.js';
import { isDeclineReason, signRequest, SALT_BYTES, type CommitBody, type Identity, type InferenceRequestBody, type Packet, type RevealRequestBody, type PeerRole, type SecurityFrame } from '../protocol/index.js';
import type { QuorumSnapshot, QuorumTimings } from '../quorum/index.js';
import type { NodeStore, StoredResult } from '../store/types.js';
import { CommitSignatures } from './commit-signatures.js';
import { knownContributors } from './contributors.js';
import { Emitter } from './emitter.js';
import type { Embedder, TextGenerator } from './engine-ports.js';
import type { ContributeOptions, EngineLoader } from './engine-loader.js';
import { RakisError } from './errors.js';
import { resolveIdentity, type IdentityOptions } from './identity.js';
import type { NodeStatus, RakisNodeEvents } from './node-events.js';
import { OpenRequests } from './open-requests.js';
import { Reconciler } from './reconciler.js';
import { RequestJournal } from './request-journal.js';
import { EventStream, type RequestEvent, type RequestHandle, type RequestResult } from './request-handle.js';
import { assertFrame, assertParams, DEFAULT_MAX_TOKENS, type RequestParams } from './security-frame.js';
import { StatusBeacon } from './status-beacon.js';
import { VerifierRole } from './verifier-role.js';
import { WorkerRole, type Answer } from './worker-role.js';

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
export class RakisNode extends Emitter<RakisNodeEvents> {
  readonly identity: Identity;
  readonly network: string;
  private readonly mesh: Mesh;
  private readonly scheduler: Scheduler;
  private readonly worker: WorkerRole;
  private readonly verifier: VerifierRole;
  private readonly embedders: Embedder[];
  private readonly journal: RequestJournal;
  private readonly requestsFollowed: OpenRequests;
  private readonly beacon: StatusBeacon;
  private readonly reconciler: Reconciler;
  private readonly commitSignatures: CommitSignatures;
  private readonly options: RakisNodeOptions;
  private tickTimer: TimerHandle | undefined;
  private contributing: AbortController | undefined;
  private knownPeerIds = new Set<string>();
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
    const emit = this.emit.bind(this) as RakisNode['emit'];
    this.worker = new WorkerRole({
      generators: options.generators ?? [],
      embedders: this.embedders,
      scheduler: this.scheduler,
      onAnswer: (answer) => this.commitAnswer(answer),
      onUpdate: (update) => {
        this.emit('job', update);
        // A worker that runs an accepted model but will not answer says so: the requester need not wait for it.
        const declined = (update.state === 'skipped' || update.state === 'failed') && update.model !== undefined;
        const reason = update.state === 'failed' ? 'failed' : update.reason;
        if (declined && isDeclineReason(reason) && !this.stopped) this.mesh.publish({ type: 'decline', requestId: update.requestId, reason });
      },
    });
    this.verifier = new VerifierRole(this.embedders);
    const meshOptions: MeshOptions = {
      identity,
      transports: options.transports ?? networkTransports({ network: this.network, ...options.relays }),
      scheduler: this.scheduler,
      presence: () => ({
        role: this.role,
        models: this.worker.models,
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
    this.commitSignatures = new CommitSignatures((packet) => this.mesh.checkSignature(packet), () => this.scheduler.now());
    this.requestsFollowed = new OpenRequests({
      identity,
      verifyCommit: this.commitSignatures.verify,
      scheduler: this.scheduler,
      journal: this.journal,
      verifier: this.verifier,
      send: (packet) => this.mesh.send(packet),
      emit,
      ...(options.timings ? { timings: options.timings } : {}),
      ...(options.settledRetentionMs !== undefined ? { settledRetentionMs: options.settledRetentionMs } : {}),
    });
    this.reconciler = new Reconciler({
      self: identity.synthientId,
      holdings: (requestId) => this.requestsFollowed.holdings(requestId),
      refuses: (requestId) => this.requestsFollowed.refuses(requestId),
      active: () => this.requestsFollowed.announced(this.scheduler.now()),
      publish: (body) => this.mesh.publish(body),
      forward: (packet) => this.mesh.send(packet),
    });
    this.beacon = new StatusBeacon(this.scheduler, () => this.status, (status) => this.emit('status', status));
    this.mesh.onPacket((packet, delivery) => this.onPacket(packet, this.scheduler.now(), delivery.bytes));
    this.mesh.onPeersChange((peers) => this.onPeers(peers));
  }

  /**
   * Creates a node: resolves its identity (given, stored, or new) and its persisted settings.
   * @param seams - For test and simulation harnesses only.
   */
  static async create(options: RakisNodeOptions = {}, seams: NodeSeams = {}): Promise<RakisNode> {
    return new RakisNode(options, await resolveIdentity(options), seams);
  }

  get synthientId(): string {
    return this.identity.synthientId;
  }

  get role(): PeerRole {
    return this.worker.contributes ? 'worker' : 'observer';
  }

  get status(): NodeStatus {
    return {
      synthientId: this.synthientId,
      network: this.network,
      role: this.role,
      started: this.started && !this.stopped,
      peers: this.mesh.peers().length,
      transports: this.mesh.health(),
      models: this.worker.models,
      embeddingModels: this.embedders.map((e) => e.model),
      queue: this.worker.status(),
      tokensServed: this.tokensServed,
      openRequests: this.requestsFollowed.unsettledCount,
      packets: this.mesh.stats(),
      dropped: { requests: this.requestsFollowed.refused, earlyPackets: this.requestsFollowed.early.dropped, jobs: this.worker.refused },
      storage: this.journal.kind,
      clock: clockStatus(this.mesh.clock.estimate()),
    };
  }

  get peers(): PeerInfo[] {
    return this.mesh.peers();
  }

  /** Settled requests, newest first (this session's and, with a store, earlier ones). */
  get results(): readonly StoredResult[] {
    return this.requestsFollowed.results.all;
  }

  /**
   * The contributors this node knows that run one of `models` (itself included): direct peers that say
   * so, and nodes gossiped as such and heard from in the last minute. What a request for those models
   * can count on, at most.
   */
  knownContributors(models: readonly string[], now = this.scheduler.now()): Set<string> {
    return knownContributors(this.mesh, { synthientId: this.synthientId, models: this.worker.models }, models, now);
  }

  /** The live picture of one request this node follows. */
  quorum(requestId: string): QuorumSnapshot | undefined {
    return this.requestsFollowed.snapshot(requestId);
  }

  /** Requests this node follows, newest first. */
  requests(): QuorumSnapshot[] {
    return this.requestsFollowed.snapshots();
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
    this.worker.stop();
    this.verifier.stop();
    this.contributing?.abort();
    if (this.tickTimer) this.scheduler.clearTimeout(this.tickTimer);
    this.requestsFollowed.stop();
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
      const { generators, embedders } = await loader({ ...options, signal: abort.signal, onProgress: (progress) => this.emit('engine-progress', progress) });
      if (abort.signal.aborted) throw new RakisError('cancelled', 'loading was cancelled');
      this.embedders.push(...embedders.filter((e) => !this.embedders.some((known) => known.model === e.model)));
      this.worker.addGenerators(generators.filter((g) => !this.worker.models.includes(g.model)));
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
    assertFrame(frame);
    assertParams(prompt, params);
    const now = this.scheduler.now();
    const packet = signRequest(
      this.identity,
      {
        prompt,
        acceptedModels: params.acceptedModels,
        temperature: params.temperature ?? 0,
        maxTokens: params.maxTokens ?? DEFAULT_MAX_TOKENS,
        ...(params.seed !== undefined ? { seed: params.seed } : {}),
        ...(params.responseSchema ? { responseSchema: params.responseSchema } : {}),
        securityFrame: frame,
      },
      now,
    );
    const requestId = packet.body.requestId;
    const stream = new EventStream<RequestEvent>();
    let resolve!: (result: RequestResult) => void;
    const result = new Promise<RequestResult>((r) => (resolve = r));
    this.requestsFollowed.track(packet, now, true, { stream, resolve });
    this.worker.offer(packet);
    return { requestId, events: stream, result, cancel: () => this.requestsFollowed.cancel(requestId), snapshot: () => this.quorum(requestId) };
  }

  private onPacket(packet: Packet, now: number, bytes: number): void {
    const body = packet.body;
    if (body.type === 'digest') return this.reconciler.onDigest(packet.from, body, now);
    if (body.type === 'digests') return this.reconciler.onDigests(packet.from, body, now);
    if (body.type === 'want') return this.reconciler.onWant(packet.from, body, now);
    if (body.type === 'inferenceRequest') {
      if (this.requestsFollowed.has(body.requestId)) return;
      if (!this.requestsFollowed.track(packet as Packet<InferenceRequestBody>, now, false)) return;
      this.worker.offer(packet as Packet<InferenceRequestBody>);
      return;
    }
    if (!('requestId' in body) || this.requestsFollowed.refuses(body.requestId)) return;
    if (body.type === 'commit') this.commitSignatures.accepted(packet as Packet<CommitBody>);
    if (body.type !== 'revealRequest') return this.requestsFollowed.receive(body.requestId, packet, now, bytes);
    // A list's commits are checked natively first; by then, `now` may have moved on.
    void this.commitSignatures.checkList(packet as Packet<RevealRequestBody>).then(() => {
      if (!this.stopped) this.requestsFollowed.receive(body.requestId, packet, this.scheduler.now(), bytes);
    });
  }

  private onPeers(peers: PeerInfo[]): void {
    const ids = new Set(peers.map((peer) => peer.synthientId));
    const joined = peers.filter((peer) => !this.knownPeerIds.has(peer.synthientId));
    for (const peer of joined) this.emit('peer-joined', peer);
    if (joined.length > 0) this.reconciler.peerJoined();
    for (const id of this.knownPeerIds) if (!ids.has(id)) this.emit('peer-left', { synthientId: id });
    this.knownPeerIds = ids;
    this.emit('peers', peers);
    this.beacon.changed();
  }

  private async commitAnswer(answer: Answer): Promise<void> {
    if (this.stopped) return;
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    await this.requestsFollowed.commitOwn(answer.request.body.requestId, answer, salt, () => {
      this.tokensServed += answer.tokens;
      this.mesh.announceStatus();
      this.beacon.changed();
    });
  }

  /** Rebuilds the requests of an earlier session from the store, then catches up to now. */
  private async resume(): Promise<void> {
    const { quorums, results } = await this.journal.load();
    this.requestsFollowed.results.restore(results);
    for (const saved of quorums) {
      const requestId = this.requestsFollowed.restore(saved);
      if (requestId) this.worker.markSeen(requestId);
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
      this.requestsFollowed.closeEarly((models) => this.knownContributors(models, now), now);
      this.requestsFollowed.tick(now);
      this.reconciler.tick(now);
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
