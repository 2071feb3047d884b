import type { Mesh, Scheduler } from '../network/index.js';
import { isDeclineReason, type CommitBody, type Identity, type InferenceRequestBody, type Packet, type RevealRequestBody } from '../protocol/index.js';
import type { QuorumTimings } from '../quorum/index.js';
import { CommitSignatures } from './commit-signatures.js';
import type { Embedder, TextGenerator } from './engine-ports.js';
import type { EmitNodeEvent } from './node-events.js';
import { OpenRequests } from './open-requests.js';
import { Reconciler } from './reconciler.js';
import type { RequestJournal } from './request-journal.js';
import { DeliveryEstimate } from './delivery-estimate.js';
import type { EventStream, RequestEvent, RequestResult } from './request-handle.js';
import type { VerifierRole } from './verifier-role.js';
import { WorkerRole, type Answer } from './worker-role.js';

export interface RequestFollowingOptions {
  identity: Identity;
  scheduler: Scheduler;
  mesh: Mesh;
  journal: RequestJournal;
  verifier: VerifierRole;
  generators: TextGenerator[];
  /** The node's embedders (the same array: engines loaded later join it). */
  embedders: Embedder[];
  emit: EmitNodeEvent;
  /** An answer of this node's worker is ready to commit. */
  onAnswer: (answer: Answer) => Promise<void>;
  stopped: () => boolean;
  timings?: Partial<QuorumTimings>;
  settledRetentionMs?: number;
  /** Who this node knows could answer a request for some models (its own requests may close early once all did). */
  eligible: (models: readonly string[]) => Iterable<string>;
}

/**
 * Everything a node needs to follow requests and answer them: the quorums, reconciliation, the worker
 * role. Its own chunk: a node that may never ask nor hear a request (an observer behind a prompt)
 * downloads it only when it first does (`RakisNodeOptions.loadRequestsOnUse`).
 */
export class RequestFollowing {
  readonly worker: WorkerRole;
  readonly requests: OpenRequests;
  readonly reconciler: Reconciler;
  private readonly commitSignatures: CommitSignatures;
  /** How fast request packets reach this node, for the grace of its own requests. */
  private readonly delivery = new DeliveryEstimate();

  constructor(private readonly options: RequestFollowingOptions) {
    const { identity, scheduler, mesh, emit } = options;
    this.worker = new WorkerRole({
      generators: options.generators,
      embedders: options.embedders,
      scheduler,
      onAnswer: options.onAnswer,
      onUpdate: (update) => {
        emit('job', update);
        // A worker that runs an accepted model but will not answer says so: the requester need not wait for it.
        const declined = (update.state === 'skipped' || update.state === 'failed') && update.model !== undefined;
        const reason = update.state === 'failed' ? 'failed' : update.reason;
        if (declined && isDeclineReason(reason) && !options.stopped()) mesh.publish({ type: 'decline', requestId: update.requestId, reason });
      },
    });
    this.commitSignatures = new CommitSignatures((packet) => mesh.checkSignature(packet), () => scheduler.now());
    this.requests = new OpenRequests({
      identity,
      verifyCommit: this.commitSignatures.verify,
      scheduler,
      journal: options.journal,
      verifier: options.verifier,
      send: (packet) => mesh.send(packet),
      emit,
      listGraceMs: (capMs) => this.delivery.graceMs(capMs),
      eligible: options.eligible,
      ...(options.timings ? { timings: options.timings } : {}),
      ...(options.settledRetentionMs !== undefined ? { settledRetentionMs: options.settledRetentionMs } : {}),
    });
    this.reconciler = new Reconciler({
      self: identity.synthientId,
      holdings: (requestId) => this.requests.holdings(requestId),
      refuses: (requestId) => this.requests.refuses(requestId),
      speaks: (requestId, node) => this.requests.speaks(requestId, node),
      active: () => this.requests.announced(scheduler.now()),
      publish: (body) => mesh.publish(body),
      forward: (packet) => mesh.send(packet),
    });
  }

  /** Follows this node's own request, as sent (with the handle of the caller waiting for it, if any), and offers it to its own worker. */
  trackOwn(packet: Packet<InferenceRequestBody>, now: number, handle?: { stream: EventStream<RequestEvent>; resolve: (result: RequestResult) => void }): void {
    this.requests.track(packet, now, true, handle);
    this.worker.offer(packet);
  }

  /** A verified packet about requests (a request, a packet about one, or reconciliation). */
  receive(packet: Packet, now: number, bytes: number): void {
    const body = packet.body;
    if (body.type === 'digest') return this.reconciler.onDigest(packet.from, body, now);
    if (body.type === 'digests') return this.reconciler.onDigests(packet.from, body, now);
    if (body.type === 'want') return this.reconciler.onWant(packet.from, body, now);
    if (body.type === 'inferenceRequest') {
      if (this.requests.has(body.requestId)) return;
      if (!this.requests.track(packet as Packet<InferenceRequestBody>, now, false)) return;
      this.worker.offer(packet as Packet<InferenceRequestBody>);
      return;
    }
    if (!('requestId' in body) || this.requests.refuses(body.requestId)) return;
    if (body.type === 'commit') this.commitSignatures.accepted(packet as Packet<CommitBody>);
    // Packets sent as they are signed: their age on arrival is the delivery time, while their request still
    // collects commits (up to the fixed grace past its window). Later, they may be history that peers
    // forward, seconds old, to a node that joined after it (reconciliation): no measure of delivery.
    const live = now <= (this.requests.listAt(body.requestId) ?? Number.NEGATIVE_INFINITY);
    if (live && (body.type === 'commit' || body.type === 'decline' || body.type === 'reveal' || body.type === 'consensus')) this.delivery.record(packet.createdAt, now);
    if (body.type !== 'revealRequest') return this.requests.receive(body.requestId, packet, now, bytes);
    // A list's commits are checked natively first; by then, `now` may have moved on.
    void this.commitSignatures.checkList(packet as Packet<RevealRequestBody>).then(() => {
      if (!this.options.stopped()) this.requests.receive(body.requestId, packet, this.options.scheduler.now(), bytes);
    });
  }

  /** Steps every request to `now`. */
  tick(now: number): void {
    this.requests.closeEarly(now);
    this.requests.tick(now);
    this.reconciler.tick(now);
  }

  stop(): void {
    this.worker.stop();
    this.requests.stop();
  }
}
