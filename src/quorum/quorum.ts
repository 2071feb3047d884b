import type { ConsensusResult } from '../consensus/index.js';
import {
  signPacket,
  verifyPacket,
  type CommitBody,
  type ConsensusBody,
  type Identity,
  type InferenceRequestBody,
  type Packet,
  type PacketBody,
  type RevealBody,
  type RevealRequestBody,
} from '../protocol/index.js';
import { AttestationTally, MAX_EARLY_ATTESTATIONS } from './attestation-tally.js';
import { checkedPart, embeddingChecks, type EmbeddingChecks } from './embedding-checks.js';
import { Holdings } from './holdings.js';
import { ownCommit, ownRevealBody } from './own-answer.js';
import { CommitBook } from './commit-book.js';
import { followerFailure, decideVerified, followAttestations, sameResult, type FollowInput } from './decision.js';
import type { OwnAnswer, OwnReveal, QuorumDecision, QuorumEvent, QuorumFailureReason, QuorumOptions, QuorumPhase, QuorumStep } from './events.js';
import { RevealBook } from './reveal-book.js';
import { checkRevealList, listFromCommits, listSnapshot, prefersList, revealList, type RevealList } from './reveal-list.js';
import { RejectionLog, type QuorumSnapshot } from './snapshot.js';
import { DEFAULT_TIMINGS, scheduleFor, type QuorumSchedule } from './timings.js';
import { mayCloseEarly } from './early-close.js';
import { speaksFor } from './speakers.js';

/**
 * One request's consensus, as a pure state machine: packets and `tick(now)` in, signed packets to send
 * and UI events out. It never reads a clock; `now` is always the caller's.
 *
 * Phases: `collecting` commits until the window closes (plus a grace for delivery); `revealing` once
 * the reveal list is fixed (the requester's list when it sends one, else the largest valid list any
 * node sends, ties to the lowest list hash); `deciding` while re-embeddings are outstanding; then
 * `decided` or `failed`.
 */
export class Quorum {
  readonly requestId: string;
  readonly request: Packet<InferenceRequestBody>;
  readonly schedule: QuorumSchedule;
  /** The frame's models, and which of them this node re-embeds with. */
  readonly embeddings: EmbeddingChecks;
  private readonly identity: Identity;
  private readonly canVerify: boolean;
  private readonly verifyCommit: (packet: Packet<CommitBody>) => boolean;

  private phase: QuorumPhase = 'collecting';
  private readonly commits: CommitBook;
  private list?: RevealList;
  private listSent = false;
  private readonly reveals: RevealBook;
  private ownReveal?: OwnReveal;
  private ownRevealSent = false;
  private readonly attestations = new AttestationTally((node, kept) => this.speaks(node) || (!this.list && kept < MAX_EARLY_ATTESTATIONS));
  private readonly rejections = new RejectionLog();
  private decision?: QuorumDecision;
  private failure?: { reason: QuorumFailureReason; explanation: string };
  /** The reveal book's version and outcome this node's own decision was made on (unset until it decides itself). */
  private decided?: { version: number; attestation: ConsensusBody; id: string | undefined };
  /** The packets that shape this node's result, for reconciliation with peers. */
  readonly holdings = new Holdings();
  private listId: string | undefined;
  /** What the step being computed sends, in order, and the instant it is computed at. */
  private outbox: Packet[] = [];
  private events: QuorumEvent[] = [];
  private stepNow = 0;

  constructor(options: QuorumOptions) {
    const { request } = options;
    this.embeddings = embeddingChecks(request.body.securityFrame, options.unverifiedModels, options.verifyToleranceBits);
    this.request = request;
    this.requestId = request.body.requestId;
    this.identity = options.identity;
    this.canVerify = options.canVerify && this.embeddings.checks.length > 0;
    this.schedule = scheduleFor(request, { ...DEFAULT_TIMINGS, ...options.timings });
    this.verifyCommit = options.verifyCommit ?? ((packet) => verifyPacket(packet));
    this.commits = new CommitBook(request, this.schedule, (event) => this.emit(event));
    this.reveals = new RevealBook({
      requestId: this.requestId,
      embeddings: this.embeddings,
      canVerify: this.canVerify,
      out: { emit: (event) => this.emit(event), send: (body) => void (this.speaks() && this.send(body)) },
      holdings: this.holdings,
      commitmentOf: (from, inferenceId) => this.commits.commitmentOf(from, inferenceId),
    });
    this.holdings.add(request);
  }

  get currentPhase(): QuorumPhase {
    return this.phase;
  }

  get isRequester(): boolean {
    return this.request.from === this.self;
  }

  private get self(): string {
    return this.identity.synthientId;
  }

  /** Feeds one verified packet about this request. */
  receive(packet: Packet, now: number): QuorumStep {
    this.stepNow = now;
    const body = packet.body;
    if ('requestId' in body && body.requestId === this.requestId) {
      switch (body.type) {
        case 'commit':
          this.onCommit(packet as Packet<CommitBody>, now);
          break;
        case 'revealRequest':
          this.onRevealRequest(packet as Packet<RevealRequestBody>, now);
          break;
        case 'reveal':
          this.onReveal(packet as Packet<RevealBody>);
          break;
        case 'decline':
          this.commits.decline(packet.from);
          break;
        case 'revealRejection':
          this.emit({ type: 'remote-rejection', from: packet.from, inferenceId: body.inferenceId, reason: body.reason });
          break;
        case 'consensus':
          this.onAttestation(packet as Packet<ConsensusBody>);
          break;
      }
    }
    return this.advance(now);
  }

  /** The requester fixes its list before the window ends (or the shared grace after it) when `mayCloseEarly` allows it. */
  closeEarly(eligible: Iterable<string>, now: number, graceMs?: number): QuorumStep {
    this.stepNow = now;
    const { createdAt, body } = this.request;
    const grace = graceMs === undefined ? {} : { graceMs };
    const input = { now, createdAt, maxTimeMs: body.securityFrame.maxTimeMs, quorum: body.securityFrame.quorum, committers: this.commits.committers(), decliners: this.commits.decliners, eligible, ...grace };
    if (this.isRequester && this.phase === 'collecting' && !this.listSent && mayCloseEarly(input)) this.issueList(now);
    return this.advance(now);
  }

  /** Moves time forward: closes windows, fixes lists, decides or fails when their moment comes. */
  tick(now: number): QuorumStep {
    this.stepNow = now;
    return this.advance(now);
  }

  /**
   * Commits to this node's own answer: binds it with a fresh `salt`, counts the commit here and returns
   * it to send, with the secret opening that must be kept (on disk) to reveal it later.
   */
  commitOwn(answer: OwnAnswer, salt: Uint8Array, now: number): { step: QuorumStep; ownReveal: OwnReveal } {
    this.stepNow = now;
    const { commit, ownReveal } = ownCommit(this.requestId, this.self, answer, salt);
    this.ownReveal = ownReveal;
    this.onCommit(this.send(commit), now);
    this.sendOwnRevealIfListed(now);
    return { step: this.advance(now), ownReveal };
  }

  /** Restores this node's own answer (after a reload); it is revealed once a reveal list that includes it is fixed. */
  setOwnReveal(reveal: OwnReveal, now: number): QuorumStep {
    this.stepNow = now;
    this.ownReveal = reveal;
    this.sendOwnRevealIfListed(now);
    return this.advance(now);
  }

  /**
   * The driver's re-embedding of a revealed output (after a `needs-embedding` event): one binary
   * embedding per frame model this node runs, concatenated in frame order.
   */
  supplyEmbedding(inferenceId: string, embedding: Uint8Array, now: number): QuorumStep {
    this.stepNow = now;
    const { ownBits } = this.embeddings;
    if (embedding.length * 8 !== ownBits) throw new RangeError(`re-embedding has ${embedding.length * 8} bits, this node's models give ${ownBits}`);
    this.reveals.supplyEmbedding(inferenceId, embedding);
    return this.advance(now);
  }

  snapshot(): QuorumSnapshot {
    const { prompt, securityFrame, acceptedModels, responseSchema } = this.request.body;
    return {
      requestId: this.requestId,
      from: this.request.from,
      prompt,
      frame: securityFrame,
      ...(responseSchema ? { acceptedModels, responseSchema } : { acceptedModels }),
      phase: this.phase,
      schedule: this.schedule,
      commits: this.commits.snapshot(),
      flagged: [...this.commits.flagged],
      declined: [...this.commits.decliners],
      list: this.list && listSnapshot(this.list),
      reveals: this.reveals.snapshot(),
      rejections: this.rejections.list(),
      ...this.attestations.snapshot(),
      ...(this.decision ? { decision: this.decision } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** Whether `node` (by default this node) broadcasts for this request: attests, announces rejections and digests (see `speaksFor`). */
  speaks(node = this.self): boolean {
    return speaksFor(node, { requester: this.request.from, list: this.list, committed: (committer) => this.commits.has(committer) });
  }

  /** How many distinct nodes attested this result hash (this node included, if it decided and speaks). */
  attestationsFor(resultHash: string): number {
    return this.attestations.countFor(resultHash);
  }

  private emit(event: QuorumEvent): void {
    this.rejections.record(event);
    this.events.push(event);
  }

  /** Signs `body` as this node at the step's instant, and queues it for the driver to send. */
  private send<B extends PacketBody>(body: B): Packet<B> {
    const packet = signPacket(this.identity, body, this.stepNow);
    this.outbox.push(packet);
    return packet;
  }

  private flush(): QuorumStep {
    const step = { send: this.outbox, events: this.events };
    this.outbox = [];
    this.events = [];
    return step;
  }

  private setPhase(phase: QuorumPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.emit({ type: 'phase', phase });
  }

  private onCommit(packet: Packet<CommitBody>, now: number): void {
    // A commit the list names that reaches this node after the list is held as its peers hold it (else it would ask them for ever).
    if (this.list?.entries.some((entry) => entry.sig === packet.sig) || this.commits.receive(packet, now, this.list !== undefined)) this.holdings.add(packet);
    else this.holdings.refuse(packet);
  }

  // ---- reveal lists ----

  private onRevealRequest(packet: Packet<RevealRequestBody>, now: number): void {
    const byRequester = packet.from === this.request.from;
    const reject = (reason: 'too-early', detail: string) => this.emit({ type: 'reveal-list-rejected', from: packet.from, reason, detail });
    // A node that decided itself still takes a preferred list (it re-decides); a follower has nothing to re-decide.
    // One that failed for want of a list (it joined late, or was cut off) takes one that comes after all.
    if (!this.decided && (this.phase === 'decided' || (this.phase === 'failed' && this.list))) return;
    // Only the requester may fix the list before the fallback moment; anyone may after it.
    if (!byRequester && now < this.schedule.fallbackListAt) return reject('too-early', 'only the requester may fix the list yet');
    const problem = checkRevealList(packet.body.commits, {
      request: this.request,
      commitDeadline: this.schedule.commitDeadline,
      knownCommitSigs: this.commits.knownSigs,
      verifyCommit: this.verifyCommit,
    });
    if (problem) return void this.emit({ type: 'reveal-list-rejected', from: packet.from, ...problem });
    const candidate = revealList(packet.from, byRequester, packet.body.commits);
    if (this.list && !prefersList(candidate, this.list)) {
      if (candidate.listHash === this.list.listHash) this.emit({ type: 'duplicate', packetType: 'revealRequest', from: packet.from });
      return;
    }
    this.adoptList(candidate, packet, now);
  }

  private adoptList(list: RevealList, packet: Packet<RevealRequestBody>, now: number): void {
    this.list = list;
    if (this.listId) this.holdings.remove(this.listId);
    this.holdings.forgetUnlisted(new Set(list.entries.map((entry) => entry.inferenceId)));
    this.listId = this.holdings.add(packet);
    this.emit({ type: 'reveal-list', from: list.from, size: list.entries.length, listHash: list.listHash, byRequester: list.byRequester });
    if (this.phase === 'collecting' || (this.phase === 'failed' && !this.decided)) this.setPhase('revealing');
    this.reveals.rejudge(list);
    this.sendOwnRevealIfListed(now);
  }

  private issueList(now: number): void {
    const entries = listFromCommits(this.commits.entries());
    this.listSent = true;
    const packet = this.send({ type: 'revealRequest', requestId: this.requestId, commits: entries });
    const candidate = revealList(this.self, this.isRequester, entries);
    if (!this.list || prefersList(candidate, this.list)) this.adoptList(candidate, packet, now);
  }

  // ---- reveals ----

  private sendOwnRevealIfListed(now: number): void {
    const own = this.ownReveal;
    if (!own || this.ownRevealSent || !this.list) return;
    if (!this.list.entries.some((entry) => entry.inferenceId === own.inferenceId)) return;
    this.ownRevealSent = true;
    const reveal = this.send(ownRevealBody(this.requestId, own));
    this.reveals.knowEmbedding(own.inferenceId, checkedPart(own.bEmbedding, this.embeddings));
    this.onReveal(reveal);
  }

  /**
   * A reveal counts when signed within the reveal window, whenever it arrives (receipt time differs per
   * node): a later one makes this node re-decide, or lets a follower check a re-decided result's choice.
   */
  private onReveal(packet: Packet<RevealBody>): void {
    this.reveals.receive(packet, this.list, packet.createdAt <= this.schedule.revealDeadline);
  }

  // ---- time ----

  private advance(now: number): QuorumStep {
    const s = this.schedule;
    const quorum = this.request.body.securityFrame.quorum;
    if (this.phase === 'collecting' && now >= s.listAt) {
      if (this.isRequester) {
        if (this.commits.size >= quorum) this.issueList(now);
        else this.fail('not-enough-commits', this.commits.shortfall(quorum));
      } else {
        this.setPhase('revealing');
      }
    }
    if (this.phase === 'revealing' && !this.list && !this.listSent && now >= s.fallbackListAt && this.commits.size >= quorum && this.speaks()) this.issueList(now);
    if (this.phase === 'revealing' && this.list?.byRequester && this.canVerify && this.reveals.allJudged(this.list)) {
      this.setPhase('deciding');
    }
    if ((this.phase === 'revealing' || this.phase === 'collecting') && now >= s.revealDeadline) {
      if (!this.list) {
        if (this.commits.size < quorum) this.fail('not-enough-commits', this.commits.shortfall(quorum));
        else this.fail('no-reveal-list', 'no node fixed a reveal list before the reveal window closed');
      } else {
        this.setPhase('deciding');
      }
    }
    if (this.phase === 'deciding' && this.canVerify && !this.reveals.anyPending()) this.decide();
    else if (this.decided && this.decided.version !== this.reveals.version && !this.reveals.anyPending()) this.decide();
    if (!this.canVerify && this.attestations.size > 0 && (this.phase !== 'failed' || !this.list)) {
      const decision = followAttestations(this.followInput());
      if (decision) this.settle(decision);
    }
    if (this.phase === 'deciding' && !this.canVerify && now >= s.attestationDeadline) {
      const failure = followerFailure(this.followInput());
      this.fail(failure.reason, failure.explanation);
    }
    return this.flush();
  }
  private fail(reason: QuorumFailureReason, explanation: string, consensus?: ConsensusResult): void {
    this.failure = { reason, explanation };
    this.decision = undefined;
    this.setPhase('failed');
    this.emit({ type: 'failed', reason, explanation, ...(consensus ? { consensus } : {}) });
  }

  /**
   * Decides over the verified reveals, and again whenever what it decided on changed (a reveal or a
   * preferred list learned later): every node ends on the decision its final packets give. It attests
   * (and reports) only a result that differs from its last one.
   */
  private decide(): void {
    const list = this.list!;
    const inputs = this.reveals.finalCount(list);
    const outcome = decideVerified({ requestId: this.requestId, list, reveals: this.reveals.records, frame: this.request.body.securityFrame, embeddings: this.embeddings, responseSchema: this.request.body.responseSchema, inputs });
    const previous = this.decided;
    if (previous && sameResult(previous.attestation, outcome.attestation)) {
      previous.version = this.reveals.version;
      return;
    }
    // Peers are offered this node's latest attestation only; a node that does not speak keeps its result to itself.
    if (previous?.id) this.holdings.remove(previous.id);
    const speaks = this.speaks();
    if (speaks) this.attestations.recordOwn(this.self, outcome.attestation);
    this.decided = { version: this.reveals.version, attestation: outcome.attestation, id: speaks ? this.holdings.add(this.send(outcome.attestation)) : undefined };
    if ('failure' in outcome) this.fail(outcome.failure.reason, outcome.failure.explanation, outcome.failure);
    else this.settle(outcome.decision);
  }

  private settle(decision: QuorumDecision): void {
    this.decision = decision;
    this.failure = undefined;
    this.setPhase('decided');
    this.emit({ type: 'decided', decision });
  }

  // ---- attestations ----

  private onAttestation(packet: Packet<ConsensusBody>): void {
    const event = this.attestations.receive(packet.from, packet.body);
    if (event.type === 'attestation-conflict') this.commits.flagged.add(packet.from);
    if (event.type === 'attestation') this.holdings.add(packet);
    this.emit(event);
  }

  private followInput(): FollowInput {
    return {
      requestId: this.requestId,
      tally: this.attestations,
      list: this.list,
      secPercentage: this.request.body.securityFrame.secPercentage,
      current: this.decision,
      findCommit: (inferenceId) => this.list?.entries.find((entry) => entry.inferenceId === inferenceId) ?? this.commits.find(inferenceId),
      openingOf: (entry) => this.reveals.openingOf(entry.from, entry.inferenceId),
    };
  }
}
