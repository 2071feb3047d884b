import type { Scheduler } from '../network/index.js';
import { RecentIds } from '../network/recent-ids.js';
import { embeddingTextOf, encodePacket, frameEmbeddingModels, hexToBytes, TIME_WINDOW, type CommitBody, type Identity, type InferenceRequestBody, type Packet } from '../protocol/index.js';
import { DEFAULT_TIMINGS, Quorum, type Holdings, type OwnAnswer, type QuorumSnapshot, type QuorumStep, type QuorumTimings } from '../quorum/index.js';
import type { StoredQuorum, StoredResult } from '../store/types.js';
import { EarlyPackets } from './early-packets.js';
import type { EmitNodeEvent } from './node-events.js';
import type { RequestJournal, SavedRequest } from './request-journal.js';
import { EventStream, type RequestEvent, type RequestResult } from './request-handle.js';
import { SettledResults } from './settled-results.js';
import type { VerifierRole } from './verifier-role.js';

interface OpenRequest {
  quorum: Quorum;
  mine: boolean;
  stream?: EventStream<RequestEvent>;
  resolve?: (result: RequestResult) => void;
  settledAt?: number;
}

export interface OpenRequestsOptions {
  identity: Identity;
  scheduler: Scheduler;
  journal: RequestJournal;
  verifier: VerifierRole;
  /** Broadcasts a packet this node signed. */
  send: (packet: Packet) => void;
  /** Checks the signature of a commit named in a reveal list (default: the pure rule). */
  verifyCommit?: (packet: Packet<CommitBody>) => boolean;
  emit: EmitNodeEvent;
  timings?: Partial<QuorumTimings>;
  /** The commit grace for this node's own requests, given what it measured and the fixed grace (its cap). */
  listGraceMs?: (capMs: number) => number;
  /** Who this node knows could answer a request for some models (its own requests may close early once all did). */
  eligible: (models: readonly string[]) => Iterable<string>;
  /** How long a settled request is kept to count late attestations. */
  settledRetentionMs?: number;
  limits?: Partial<OpenRequestLimits>;
}

/** What others' requests may take of a node; this node's own requests are never refused nor displaced. */
export interface OpenRequestLimits {
  /** Unsettled requests followed per requester identity. */
  perRequester: number;
  /** Unsettled requests of others followed in all. */
  unsettled: number;
  /**
   * Requests kept in all, settled ones included: beyond it, others' settled requests are forgotten
   * early, oldest first, once nobody announces them any more (past their attestation deadline), so a
   * forgotten request is not pulled back by reconciliation. Their results stay in `results`.
   */
  kept: number;
}

export const DEFAULT_OPEN_REQUEST_LIMITS: OpenRequestLimits = { perRequester: 8, unsettled: 256, kept: 64 };

/**
 * The requests a node follows: one quorum each, fed with the packets about it (held briefly when
 * they arrive before the request), stepped by time, its output sent, journaled and reported, and its
 * result kept once settled.
 */
export class OpenRequests {
  readonly results: SettledResults;
  private readonly open = new Map<string, OpenRequest>();
  private readonly earlyPackets = new EarlyPackets();
  private readonly changed = new Set<string>();
  /** Others' unsettled requests, per requester. */
  private readonly unsettledBy = new Map<string, number>();
  private unsettledOthers = 0;
  private readonly limits: OpenRequestLimits;
  /** Others' requests refused (their requester, or the node, already follows as many as it may). */
  refused = 0;
  /**
   * The ids of those requests, while packets about them may still come: the node drops what arrives
   * about them rather than hold it, and reconciliation does not pull them back.
   */
  private readonly declined = new RecentIds(TIME_WINDOW.maxAgeMs + TIME_WINDOW.futureSkewMs, 4096);
  private stopped = false;

  constructor(private readonly options: OpenRequestsOptions) {
    this.results = new SettledResults(options.journal);
    this.limits = { ...DEFAULT_OPEN_REQUEST_LIMITS, ...options.limits };
  }

  /** Packets held about requests not seen yet, and how many were given up. */
  get early(): { count: number; bytes: number; dropped: number } {
    return { count: this.earlyPackets.count, bytes: this.earlyPackets.bytes, dropped: this.earlyPackets.dropped };
  }

  has(requestId: string): boolean {
    return this.open.has(requestId);
  }

  /** When a followed request's list is due on the fixed grace (its schedule's `listAt`). */
  listAt(requestId: string): number | undefined {
    return this.open.get(requestId)?.quorum.schedule.listAt;
  }

  /** Whether this node refused to follow the request (see `declined`). */
  refuses(requestId: string): boolean {
    return this.declined.has(requestId);
  }

  snapshot(requestId: string): QuorumSnapshot | undefined {
    return this.open.get(requestId)?.quorum.snapshot();
  }

  /** Every followed request, newest first. */
  snapshots(): QuorumSnapshot[] {
    return [...this.open.values()].map((request) => request.quorum.snapshot()).sort((a, b) => b.schedule.commitDeadline - a.schedule.commitDeadline);
  }

  /**
   * Follows a request (this node's own, with its stream and result, or one heard). Returns false for
   * one of others refused by the limits (not followed).
   */
  track(request: Packet<InferenceRequestBody>, now: number, mine: boolean, handle?: Pick<OpenRequest, 'stream' | 'resolve'>, saved?: StoredQuorum): boolean {
    const { requestId, securityFrame, prompt, acceptedModels } = request.body;
    const { identity, timings, journal } = this.options;
    if (!mine && !saved && !this.admits(request.from)) {
      this.refused++;
      this.declined.add(requestId, now);
      return false;
    }
    const { verifyCommit } = this.options;
    const frameModels = frameEmbeddingModels(securityFrame);
    const unverifiedModels = this.options.verifier.missingModels(frameModels);
    const quorum = new Quorum({ request, identity, canVerify: unverifiedModels.length < frameModels.length, unverifiedModels, ...(timings ? { timings } : {}), ...(verifyCommit ? { verifyCommit } : {}) });
    this.open.set(requestId, { quorum, mine, ...handle });
    if (mine) this.closeAfterGrace(requestId, quorum.schedule.commitDeadline, now);
    if (!mine) this.countUnsettled(request.from, +1);
    journal.open(requestId, now, saved);
    this.options.emit('request', { requestId, from: request.from, prompt, frame: securityFrame, acceptedModels, mine });
    this.changedSoon(requestId);
    if (saved) return true;
    if (mine) this.sent(requestId, request, now);
    else journal.log(requestId, request, now);
    for (const { packet, receivedAt } of this.earlyPackets.take(requestId)) {
      journal.log(requestId, packet, receivedAt);
      this.apply(requestId, quorum.receive(packet, Math.max(receivedAt, now)));
    }
    return true;
  }

  private admits(requester: string): boolean {
    return this.unsettledOthers < this.limits.unsettled && (this.unsettledBy.get(requester) ?? 0) < this.limits.perRequester;
  }

  private countUnsettled(requester: string, delta: 1 | -1): void {
    const count = (this.unsettledBy.get(requester) ?? 0) + delta;
    if (count > 0) this.unsettledBy.set(requester, count);
    else this.unsettledBy.delete(requester);
    this.unsettledOthers += delta;
  }

  /** A verified packet about a request (not a request itself), `bytes` long on the wire. */
  receive(requestId: string, packet: Packet, now: number, bytes?: number): void {
    const open = this.open.get(requestId);
    if (!open) return this.earlyPackets.hold(requestId, packet, now, bytes ?? encodePacket(packet).length);
    this.options.journal.log(requestId, packet, now);
    this.apply(requestId, open.quorum.receive(packet, now));
  }

  /**
   * Commits this node's answer: the secret goes to disk before the commitment leaves. `committed` runs
   * in the same task as the send, so what it sends too leaves in the same frame.
   */
  async commitOwn(requestId: string, answer: OwnAnswer, salt: Uint8Array, committed: () => void): Promise<void> {
    const open = this.open.get(requestId);
    if (!open || this.stopped) return;
    const { step, ownReveal } = open.quorum.commitOwn(answer, salt, this.options.scheduler.now());
    await this.options.journal.keepOwnReveal(requestId, ownReveal);
    if (this.stopped) return;
    this.apply(requestId, step);
    committed();
  }

  /** Rebuilds a saved request by replaying its verified packets (after a reload); returns its id. */
  restore({ record, packets }: SavedRequest): string | undefined {
    const [first, ...rest] = packets;
    if (first?.packet.body.type !== 'inferenceRequest') return undefined;
    const request = first.packet as Packet<InferenceRequestBody>;
    const requestId = request.body.requestId;
    this.track(request, first.receivedAt, request.from === this.options.identity.synthientId, undefined, record);
    const quorum = this.open.get(requestId)!.quorum;
    if (record.ownReveal) {
      const own = record.ownReveal;
      this.apply(requestId, quorum.setOwnReveal({ inferenceId: own.inferenceId, output: own.output, bEmbedding: hexToBytes(own.bEmbedding), salt: hexToBytes(own.salt) }, first.receivedAt));
    }
    for (const { packet, receivedAt } of rest) this.apply(requestId, quorum.receive(packet, receivedAt));
    return requestId;
  }

  /**
   * Steps every unsettled quorum to `now`, and forgets requests settled longer ago than the retention
   * (others' settled requests sooner, oldest first, while more than the limit are kept).
   */
  tick(now: number): void {
    this.earlyPackets.expire(now);
    const retention = this.options.settledRetentionMs ?? 120_000;
    let excess = this.open.size - this.limits.kept;
    for (const [requestId, open] of this.open) {
      const quiet = now >= open.quorum.schedule.attestationDeadline;
      if (open.settledAt !== undefined && (now - open.settledAt > retention || (excess > 0 && !open.mine && quiet))) {
        this.open.delete(requestId);
        this.options.journal.forget(requestId);
        excess--;
        continue;
      }
      // A settled quorum moves only with packets (late attestations), not with time.
      if (open.settledAt === undefined) this.apply(requestId, open.quorum.tick(now));
    }
  }

  /** Lets this node's own requests still collecting commits close early, given who could answer each. */
  closeEarly(now: number): void {
    for (const requestId of this.open.keys()) this.closeOne(requestId, now);
  }

  private closeOne(requestId: string, now: number): void {
    const open = this.open.get(requestId);
    // Who could answer is worked out only while it can still matter.
    if (!open?.mine || open.quorum.currentPhase !== 'collecting' || this.stopped) return;
    const eligible = this.options.eligible(open.quorum.request.body.acceptedModels);
    this.apply(requestId, open.quorum.closeEarly(eligible, now, this.ownListGrace()));
  }

  /** What this node holds about a request it follows, for reconciliation. */
  holdings(requestId: string): Holdings | undefined {
    return this.open.get(requestId)?.quorum.holdings;
  }

  /** Whether this node (or `node`) speaks for a request (see `Quorum.speaks`); for one not followed, anyone may. */
  speaks(requestId: string, node?: string): boolean {
    return this.open.get(requestId)?.quorum.speaks(node) ?? true;
  }

  /** Requests not settled yet. */
  get unsettledCount(): number {
    let count = 0;
    for (const open of this.open.values()) if (open.settledAt === undefined) count++;
    return count;
  }

  /**
   * Requests whose digests this node announces: those not settled yet, and settled ones until their
   * attestation deadline, so that nodes that were out of reach when it settled (a partition that
   * heals, a page that links late) still hear of the request and can pull it whole.
   */
  announced(now: number): string[] {
    return [...this.open].filter(([, open]) => open.settledAt === undefined || now < open.quorum.schedule.attestationDeadline).map(([requestId]) => requestId);
  }

  /** Stops the streams of every request (the node is stopping). */
  stop(): void {
    this.stopped = true;
    for (const open of this.open.values()) open.stream?.close();
  }

  /** The request stream ended by its owner: it resolves as cancelled. */
  cancel(requestId: string): void {
    const open = this.open.get(requestId);
    open?.stream?.close();
    open?.resolve?.({ requestId, outcome: 'failed', attestations: 0, reason: 'cancelled', explanation: 'cancelled by the requester' });
  }

  private ownListGrace(): number | undefined {
    const timings = { ...DEFAULT_TIMINGS, ...this.options.timings };
    return timings.adaptCommitGrace ? this.options.listGraceMs?.(timings.commitGraceMs) : undefined;
  }

  /**
   * At the window's end, sizes this node's grace from the delivery measured by then, and fixes its list
   * when that grace has passed, at that instant rather than at the next tick.
   */
  private closeAfterGrace(requestId: string, commitDeadline: number, now: number): void {
    const { scheduler } = this.options;
    scheduler.setTimeout(() => {
      const grace = this.ownListGrace();
      if (grace === undefined || !this.open.get(requestId)?.mine) return;
      scheduler.setTimeout(() => this.closeOne(requestId, scheduler.now()), Math.max(0, commitDeadline + grace - scheduler.now()));
    }, Math.max(0, commitDeadline - now));
  }

  private sent(requestId: string, packet: Packet, now: number): void {
    this.options.send(packet);
    this.options.journal.log(requestId, packet, now);
  }

  private apply(requestId: string, step: QuorumStep): void {
    const open = this.open.get(requestId);
    if (!open) return;
    const { emit, scheduler } = this.options;
    for (const packet of step.send) {
      if (this.stopped) break;
      this.sent(requestId, packet, scheduler.now());
    }
    if (step.events.length > 0) this.changedSoon(requestId);
    for (const event of step.events) {
      const tagged = { ...event, requestId } as RequestEvent;
      emit('quorum', tagged);
      open.stream?.push(tagged);
      if (event.type === 'needs-embedding') void this.verify(requestId, open.quorum, event.inferenceId, event.output);
      if (event.type === 'decided') {
        const attestations = open.quorum.attestationsFor(event.decision.resultHash);
        emit('consensus', { requestId, decision: event.decision, attestations });
        this.settle(open, { requestId, outcome: 'decided', output: event.decision.output, decision: event.decision, attestations });
      }
      if (event.type === 'failed') {
        emit('failed', { requestId, reason: event.reason, explanation: event.explanation });
        this.settle(open, { requestId, outcome: 'failed', attestations: 0, reason: event.reason, explanation: event.explanation });
      }
    }
  }

  private async verify(requestId: string, quorum: Quorum, inferenceId: string, output: string): Promise<void> {
    try {
      const embedding = await this.options.verifier.embedAll(quorum.embeddings.checks, embeddingTextOf(output, quorum.request.body.responseSchema));
      if (embedding) this.apply(requestId, quorum.supplyEmbedding(inferenceId, embedding, this.options.scheduler.now()));
    } catch (error) {
      this.options.emit('error', { code: 'engine', message: `could not re-embed a reveal: ${(error as Error).message}`, requestId });
    }
  }

  private settle(open: OpenRequest, result: RequestResult): void {
    if (open.settledAt === undefined && !open.mine) this.countUnsettled(open.quorum.request.from, -1);
    open.settledAt = this.options.scheduler.now();
    open.stream?.close();
    open.resolve?.(result);
    this.results.add({
      requestId: result.requestId,
      prompt: open.quorum.request.body.prompt,
      mine: open.mine,
      outcome: result.outcome,
      settledAt: open.settledAt,
      ...(result.output !== undefined ? { output: result.output } : {}),
      ...(result.decision ? { resultHash: result.decision.resultHash } : {}),
      attestations: result.attestations,
      ...(result.reason ? { reason: result.reason } : {}),
    } satisfies StoredResult);
  }

  /** One `request-change` per request per task, however many packets moved it. */
  private changedSoon(requestId: string): void {
    if (this.changed.size === 0) {
      queueMicrotask(() => {
        const ids = [...this.changed];
        this.changed.clear();
        for (const id of ids) this.options.emit('request-change', { requestId: id });
      });
    }
    this.changed.add(requestId);
  }
}
