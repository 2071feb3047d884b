import {
  Mesh,
  systemScheduler,
  networkTransports,
  DEFAULT_NETWORK,
  type MeshOptions,
  type MeshStats,
  type NetworkTransportOptions,
  type PeerInfo,
  type Scheduler,
  type TimerHandle,
  type TransportFactory,
  type TransportHealth,
} from '../network/index.js';
import {
  bytesToHex,
  computeCommitment,
  computeInferenceId,
  createIdentity,
  decodePacket,
  encodePacket,
  exportIdentity,
  hexToBytes,
  importIdentity,
  signRequest,
  verifyPacketAsync,
  SALT_BYTES,
  type Identity,
  type InferenceRequestBody,
  type Packet,
  type PeerRole,
  type SecurityFrame,
} from '../protocol/index.js';
import { Quorum, type QuorumDecision, type QuorumSnapshot, type QuorumTimings } from '../quorum/index.js';
import { StoreError, type NodeStore, type StoredQuorum, type StoredResult } from '../store/types.js';
import { Emitter } from './emitter.js';
import type { Embedder, TextGenerator } from './engine-ports.js';
import type { ContributeOptions, EngineLoader, EngineProgress } from './engine-loader.js';
import { RakisError, type RakisErrorCode } from './errors.js';
import { EventStream, type RequestEvent, type RequestHandle, type RequestResult } from './request-handle.js';
import { assertFrame, assertParams, type RequestParams } from './security-frame.js';
import { WorkerRole, type Answer, type JobUpdate } from './worker-role.js';

export const CLIENT = 'rakis-elements/0.1';

export interface RakisNodeOptions {
  /** Network name; any name other than `rakis1` is a private network. */
  network?: string;
  /** Transports to join; default: every signaling network trystero knows plus BroadcastChannel. */
  transports?: TransportFactory[];
  /** Signaling relays and ICE configuration when `transports` is not given. */
  relays?: Omit<NetworkTransportOptions, 'network'>;
  /** An identity to use (exported form or hex secret key); default: the stored one, else a new one. */
  identity?: Identity | Parameters<typeof importIdentity>[0];
  /** Encrypts the stored identity (and is needed to unlock it). */
  password?: string;
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
  mesh?: Pick<MeshOptions, 'limits' | 'verify'>;
  /** How long a settled request is kept to count late attestations. */
  settledRetentionMs?: number;
}

export interface NodeStatus {
  synthientId: string;
  network: string;
  role: PeerRole;
  started: boolean;
  peers: number;
  transports: TransportHealth[];
  models: string[];
  embeddingModels: string[];
  queue: ReturnType<WorkerRole['status']>;
  tokensServed: number;
  openRequests: number;
  packets: MeshStats;
  storage: NodeStore['kind'] | 'none';
}

export interface RakisNodeEvents extends Record<string, unknown> {
  status: NodeStatus;
  peers: PeerInfo[];
  'peer-joined': PeerInfo;
  'peer-left': { synthientId: string };
  /** A request this node saw (its own included). */
  request: { requestId: string; from: string; prompt: string; frame: SecurityFrame; acceptedModels: string[]; mine: boolean };
  quorum: RequestEvent;
  consensus: { requestId: string; decision: QuorumDecision; attestations: number };
  failed: { requestId: string; reason: string; explanation: string };
  job: JobUpdate;
  'engine-progress': EngineProgress;
  error: { code: RakisErrorCode; message: string; requestId?: string };
}

interface OpenRequest {
  quorum: Quorum;
  /** Every packet this node signed about the request, re-sent to peers that link later. */
  resendable: Packet[];
  mine: boolean;
  stored: StoredQuorum;
  stream?: EventStream<RequestEvent>;
  resolve?: (result: RequestResult) => void;
  settledAt?: number;
}

const TICK_MS = 200;
const SAVE_DEBOUNCE_MS = 500;
const EARLY_PACKET_REQUESTS = 256;
const EARLY_PACKETS_PER_REQUEST = 128;
const RESULTS_IN_MEMORY = 200;

/**
 * A Rakis node: one identity, one mesh, the worker and verifier roles, the open quorums and their
 * persistence. The only API elements and host pages use.
 */
export class RakisNode extends Emitter<RakisNodeEvents> {
  readonly identity: Identity;
  readonly network: string;
  private readonly mesh: Mesh;
  private readonly scheduler: Scheduler;
  private readonly store: NodeStore | undefined;
  private readonly worker: WorkerRole;
  private readonly embedders: Embedder[];
  private readonly options: RakisNodeOptions;
  private readonly open = new Map<string, OpenRequest>();
  private readonly early = new Map<string, { packet: Packet; receivedAt: number }[]>();
  private readonly recentResults: StoredResult[] = [];
  private readonly saveTimers = new Map<string, TimerHandle>();
  private readonly embedQueues = new Map<Embedder, Promise<void>>();
  private tickTimer: TimerHandle | undefined;
  private contributing: AbortController | undefined;
  private knownPeerIds = new Set<string>();
  private tokensServed = 0;
  private started = false;
  private stopped = false;

  private constructor(options: RakisNodeOptions, identity: Identity) {
    super();
    this.options = options;
    this.identity = identity;
    this.network = options.network ?? DEFAULT_NETWORK;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.store = options.store;
    this.embedders = options.embedders ?? [];
    this.worker = new WorkerRole({
      generators: options.generators ?? [],
      embedders: this.embedders,
      scheduler: this.scheduler,
      onAnswer: (answer) => this.commitAnswer(answer),
      onUpdate: (update) => this.emit('job', update),
    });
    this.mesh = new Mesh({
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
    });
    this.mesh.onPacket((packet) => this.onPacket(packet, this.scheduler.now()));
    this.mesh.onPeersChange((peers) => this.onPeers(peers));
  }

  /** Creates a node: resolves its identity (given, stored, or new) and its persisted settings. */
  static async create(options: RakisNodeOptions = {}): Promise<RakisNode> {
    const identity = await resolveIdentity(options);
    return new RakisNode(options, identity);
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
      openRequests: [...this.open.values()].filter((r) => r.settledAt === undefined).length,
      packets: this.mesh.stats(),
      storage: this.store?.kind ?? 'none',
    };
  }

  get peers(): PeerInfo[] {
    return this.mesh.peers();
  }

  /** Settled requests, newest first (this session's and, with a store, earlier ones). */
  get results(): readonly StoredResult[] {
    return this.recentResults;
  }

  /** The live picture of one request this node follows. */
  quorum(requestId: string): QuorumSnapshot | undefined {
    return this.open.get(requestId)?.quorum.snapshot();
  }

  /** Requests this node follows, newest first. */
  requests(): QuorumSnapshot[] {
    return [...this.open.values()].map((r) => r.quorum.snapshot()).sort((a, b) => b.schedule.commitDeadline - a.schedule.commitDeadline);
  }

  async start(): Promise<void> {
    if (this.stopped) throw new RakisError('stopped', 'this node was stopped; create a new one');
    if (this.started) return;
    this.started = true;
    if (this.store) await this.resume();
    this.mesh.start();
    this.scheduleTick();
    this.emitStatus();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.stop();
    this.contributing?.abort();
    if (this.tickTimer) this.scheduler.clearTimeout(this.tickTimer);
    for (const [requestId, timer] of this.saveTimers) {
      this.scheduler.clearTimeout(timer);
      await this.persistQuorum(requestId);
    }
    for (const request of this.open.values()) request.stream?.close();
    await this.mesh.close();
    this.emitStatus();
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
      this.emitStatus();
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
    const packet = signRequest(
      this.identity,
      {
        prompt,
        acceptedModels: params.acceptedModels,
        temperature: params.temperature ?? 0,
        maxTokens: params.maxTokens ?? 256,
        ...(params.seed !== undefined ? { seed: params.seed } : {}),
        securityFrame: frame,
      },
      this.scheduler.now(),
    );
    const stream = new EventStream<RequestEvent>();
    let resolve!: (result: RequestResult) => void;
    const result = new Promise<RequestResult>((r) => (resolve = r));
    const open = this.track(packet, this.scheduler.now(), true);
    open.stream = stream;
    open.resolve = resolve;
    open.resendable.push(packet);
    this.mesh.send(packet);
    this.logPacket(open, packet, this.scheduler.now());
    this.worker.offer(packet);
    const requestId = packet.body.requestId;
    return {
      requestId,
      events: stream,
      result,
      cancel: () => {
        stream.close();
        resolve({ requestId, outcome: 'failed', attestations: 0, reason: 'cancelled', explanation: 'cancelled by the requester' });
      },
      snapshot: () => this.quorum(requestId),
    };
  }

  // ---- inbound ----

  private onPacket(packet: Packet, now: number): void {
    const body = packet.body;
    if (body.type === 'inferenceRequest') {
      if (this.open.has(body.requestId)) return;
      const open = this.track(packet as Packet<InferenceRequestBody>, now, false);
      this.logPacket(open, packet, now);
      this.worker.offer(packet as Packet<InferenceRequestBody>);
      return;
    }
    if (!('requestId' in body)) return;
    const open = this.open.get(body.requestId);
    if (!open) {
      this.holdEarly(body.requestId, packet, now);
      return;
    }
    this.logPacket(open, packet, now);
    this.apply(body.requestId, open.quorum.receive(packet, now));
  }

  /** Packets about a request not seen yet (delivery order differs per transport), kept briefly and bounded. */
  private holdEarly(requestId: string, packet: Packet, now: number): void {
    let held = this.early.get(requestId);
    if (!held) {
      if (this.early.size >= EARLY_PACKET_REQUESTS) this.early.delete(this.early.keys().next().value!);
      this.early.set(requestId, (held = []));
    }
    if (held.length < EARLY_PACKETS_PER_REQUEST) held.push({ packet, receivedAt: now });
  }

  private track(request: Packet<InferenceRequestBody>, now: number, mine: boolean): OpenRequest {
    const { requestId, securityFrame, prompt, acceptedModels } = request.body;
    const quorum = new Quorum({
      request,
      self: this.synthientId,
      canVerify: this.embedders.some((e) => e.model === securityFrame.embeddingModel),
      ...(this.options.timings ? { timings: this.options.timings } : {}),
    });
    const open: OpenRequest = { quorum, mine, resendable: [], stored: { requestId, packets: [], updatedAt: now } };
    this.open.set(requestId, open);
    this.emit('request', { requestId, from: request.from, prompt, frame: securityFrame, acceptedModels, mine });
    const held = this.early.get(requestId);
    this.early.delete(requestId);
    for (const { packet, receivedAt } of held ?? []) {
      this.logPacket(open, packet, receivedAt);
      this.apply(requestId, quorum.receive(packet, Math.max(receivedAt, now)));
    }
    return open;
  }

  private onPeers(peers: PeerInfo[]): void {
    const ids = new Set(peers.map((peer) => peer.synthientId));
    const joined = peers.filter((peer) => !this.knownPeerIds.has(peer.synthientId));
    for (const peer of joined) this.emit('peer-joined', peer);
    // Packets are sent once; a node that links up later (a reload, a slow WebRTC link) would never hear
    // a request, commit, reveal or attestation it missed, and a missing reveal counts against agreement.
    // Requests still kept (open, or settled within the retention) are re-sent; peers drop known copies.
    if (joined.length > 0) {
      for (const open of this.open.values()) for (const packet of open.resendable) this.mesh.send(packet);
    }
    for (const id of this.knownPeerIds) if (!ids.has(id)) this.emit('peer-left', { synthientId: id });
    this.knownPeerIds = ids;
    this.emit('peers', peers);
    this.emitStatus();
  }

  // ---- quorum output ----

  private apply(requestId: string, step: ReturnType<Quorum['tick']>): void {
    const open = this.open.get(requestId);
    if (!open) return;
    for (const body of step.send) {
      if (this.stopped) break;
      const packet = this.mesh.publish(body);
      open.resendable.push(packet);
      this.logPacket(open, packet, this.scheduler.now());
    }
    for (const event of step.events) {
      const tagged = { ...event, requestId } as RequestEvent;
      this.emit('quorum', tagged);
      open.stream?.push(tagged);
      if (event.type === 'needs-embedding') this.verifyReveal(requestId, event.inferenceId, event.output);
      if (event.type === 'decided') {
        const attestations = open.quorum.attestationsFor(event.decision.resultHash);
        this.emit('consensus', { requestId, decision: event.decision, attestations });
        this.settle(open, { requestId, outcome: 'decided', output: event.decision.output, decision: event.decision, attestations });
      }
      if (event.type === 'failed') {
        this.emit('failed', { requestId, reason: event.reason, explanation: event.explanation });
        this.settle(open, { requestId, outcome: 'failed', attestations: 0, reason: event.reason, explanation: event.explanation });
      }
    }
  }

  private settle(open: OpenRequest, result: RequestResult): void {
    open.settledAt = this.scheduler.now();
    open.stream?.close();
    open.resolve?.(result);
    const { requestId } = result;
    const stored: StoredResult = {
      requestId,
      prompt: open.quorum.request.body.prompt,
      mine: open.mine,
      outcome: result.outcome,
      settledAt: open.settledAt,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.decision ? { resultHash: result.decision.resultHash } : {}),
      attestations: result.attestations,
      ...(result.reason ? { reason: result.reason } : {}),
    };
    const index = this.recentResults.findIndex((r) => r.requestId === requestId);
    if (index >= 0) this.recentResults.splice(index, 1);
    this.recentResults.unshift(stored);
    this.recentResults.length = Math.min(this.recentResults.length, RESULTS_IN_MEMORY);
    void this.storeCall((store) => store.saveResult(stored), requestId);
  }

  // ---- worker and verifier ----

  private async commitAnswer(answer: Answer): Promise<void> {
    const requestId = answer.request.body.requestId;
    const open = this.open.get(requestId);
    if (!open || this.stopped) return;
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const commitment = computeCommitment({ requestId, synthientId: this.synthientId, output: answer.output, bEmbedding: answer.bEmbedding, salt });
    const inferenceId = computeInferenceId(requestId, this.synthientId, commitment);
    const now = this.scheduler.now();
    open.stored.ownReveal = { inferenceId, output: answer.output, bEmbedding: bytesToHex(answer.bEmbedding), salt: bytesToHex(salt) };
    // The secret must be on disk before the commitment leaves: a reload must still be able to reveal.
    await this.persistQuorum(requestId);
    if (this.stopped) return;
    this.tokensServed += answer.tokens;
    this.apply(requestId, open.quorum.setOwnReveal({ inferenceId, output: answer.output, bEmbedding: answer.bEmbedding, salt }, now));
    const packet = this.mesh.publish({ type: 'commit', requestId, inferenceId, commitment, model: answer.model });
    open.resendable.push(packet);
    this.logPacket(open, packet, now);
    this.apply(requestId, open.quorum.receive(packet, now));
    this.mesh.announceStatus();
    this.emitStatus();
  }

  private verifyReveal(requestId: string, inferenceId: string, output: string): void {
    const open = this.open.get(requestId)!;
    const frame = open.quorum.request.body.securityFrame;
    const embedder = this.embedders.find((e) => e.model === frame.embeddingModel);
    if (!embedder) return;
    // One embedding at a time per engine, in arrival order.
    const previous = this.embedQueues.get(embedder) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.stopped) return;
      try {
        const [embedding] = await embedder.embedBinary([output], open.quorum.bits);
        this.apply(requestId, open.quorum.supplyEmbedding(inferenceId, embedding!, this.scheduler.now()));
      } catch (error) {
        this.emit('error', { code: 'engine', message: `could not re-embed a reveal: ${(error as Error).message}`, requestId });
      }
    });
    this.embedQueues.set(embedder, next);
  }

  // ---- time ----

  private scheduleTick(): void {
    this.tickTimer = this.scheduler.setTimeout(() => {
      if (this.stopped) return;
      this.tick(this.scheduler.now());
      this.scheduleTick();
    }, TICK_MS);
  }

  private tick(now: number): void {
    const retention = this.options.settledRetentionMs ?? 120_000;
    for (const [requestId, open] of this.open) {
      if (open.settledAt !== undefined && now - open.settledAt > retention) {
        this.open.delete(requestId);
        void this.storeCall((store) => store.deleteQuorum(requestId), requestId);
        continue;
      }
      this.apply(requestId, open.quorum.tick(now));
    }
  }

  // ---- persistence ----

  private logPacket(open: OpenRequest, packet: Packet, receivedAt: number): void {
    if (!this.store) return;
    const entry = { wire: new TextDecoder().decode(encodePacket(packet)), receivedAt };
    open.stored.packets.push(entry);
    open.stored.updatedAt = receivedAt;
    void this.storeCall((store) => store.appendPackets([entry]));
    const requestId = open.quorum.requestId;
    if (!this.saveTimers.has(requestId)) {
      this.saveTimers.set(
        requestId,
        this.scheduler.setTimeout(() => void this.persistQuorum(requestId), SAVE_DEBOUNCE_MS),
      );
    }
  }

  private async persistQuorum(requestId: string): Promise<void> {
    const timer = this.saveTimers.get(requestId);
    if (timer) this.scheduler.clearTimeout(timer);
    this.saveTimers.delete(requestId);
    const open = this.open.get(requestId);
    if (open) await this.storeCall((store) => store.saveQuorum(open.stored), requestId);
  }

  /** Store failures never stop the node: they are reported, and the node carries on from memory. */
  private async storeCall(call: (store: NodeStore) => Promise<unknown>, requestId?: string): Promise<void> {
    if (!this.store) return;
    try {
      await call(this.store);
    } catch (error) {
      const message = error instanceof StoreError && error.code === 'quota-exceeded' ? 'storage is full: new state is kept in memory only' : `storage failed: ${(error as Error).message}`;
      this.emit('error', { code: 'storage', message, ...(requestId ? { requestId } : {}) });
    }
  }

  /** Rebuilds open requests from the store by replaying their packets, then catches up to now. */
  private async resume(): Promise<void> {
    const store = this.store!;
    let saved: StoredQuorum[] = [];
    try {
      saved = await store.loadQuorums();
      this.recentResults.push(...(await store.loadResults()).slice(0, RESULTS_IN_MEMORY));
    } catch (error) {
      this.emit('error', { code: 'storage', message: `could not read saved requests: ${(error as Error).message}` });
    }
    // Stored packets pass the signature rule again (the store is not trusted, and the rule may be stricter than when they were kept).
    const verdicts = await Promise.all(saved.map((stored) => Promise.all(stored.packets.map(({ wire, receivedAt }) => { const d = decodePacket(new TextEncoder().encode(wire), { now: receivedAt }); return d.ok && verifyPacketAsync(d.packet); }))));
    for (const [index, stored] of saved.entries()) {
      const verified = verdicts[index]!;
      const [first, ...rest] = stored.packets;
      const decoded = first && decodePacket(new TextEncoder().encode(first.wire), { now: first.receivedAt });
      if (!decoded?.ok || decoded.packet.body.type !== 'inferenceRequest' || !verified[0]) continue;
      const request = decoded.packet as Packet<InferenceRequestBody>;
      const open = this.track(request, first!.receivedAt, request.from === this.synthientId);
      open.stored = { ...stored, packets: [...stored.packets] };
      this.worker.markSeen(request.body.requestId);
      if (stored.ownReveal) {
        const own = stored.ownReveal;
        this.apply(request.body.requestId, open.quorum.setOwnReveal({ inferenceId: own.inferenceId, output: own.output, bEmbedding: hexToBytes(own.bEmbedding), salt: hexToBytes(own.salt) }, first!.receivedAt));
      }
      for (const [i, entry] of rest.entries()) {
        const packet = decodePacket(new TextEncoder().encode(entry.wire), { now: entry.receivedAt });
        if (packet.ok && verified[i + 1]) this.apply(request.body.requestId, open.quorum.receive(packet.packet, entry.receivedAt));
      }
    }
  }

  private emitStatus(): void {
    this.emit('status', this.status);
  }
}

/** The real engines, imported only when a node starts contributing. */
const defaultEngineLoader: EngineLoader = async (options) => {
  const { realEngineLoader } = await import('./real-engines.js');
  return realEngineLoader()(options);
};

async function resolveIdentity(options: RakisNodeOptions): Promise<Identity> {
  const { store, password } = options;
  if (options.identity) {
    const identity = 'secretKey' in (options.identity as object) && (options.identity as Identity).secretKey instanceof Uint8Array
      ? (options.identity as Identity)
      : importIdentity(options.identity as Parameters<typeof importIdentity>[0]);
    if (store) await store.saveIdentity(exportIdentity(identity), password).catch(() => undefined);
    return identity;
  }
  if (!store) return createIdentity();
  try {
    const saved = await store.loadIdentity(password);
    if (saved) return importIdentity(saved);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'wrong-password') throw new RakisError('wrong-password', 'the password does not unlock the saved identity', { cause: error });
    if (error instanceof StoreError && error.code === 'locked') throw new RakisError('identity-locked', 'the saved identity is encrypted: give its password', { cause: error });
    throw new RakisError('storage', `could not read the saved identity: ${(error as Error).message}`, { cause: error });
  }
  const identity = createIdentity();
  try {
    await store.saveIdentity(exportIdentity(identity), password);
  } catch (error) {
    throw new RakisError('storage', `could not save the new identity: ${(error as Error).message}`, { cause: error });
  }
  return identity;
}
