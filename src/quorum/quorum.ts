import { decide, hammingDistance, requiredClusterSize, type ConsensusResult } from '../consensus/index.js';
import {
  bytesToHex,
  compareHex,
  computeInferenceId,
  computeListHash,
  computeResultHash,
  embeddingBits,
  embeddingModel,
  hexToBytes,
  LIMITS,
  revealMatchesCommitment,
  verifyPacket,
  type CommitBody,
  type CommitEntry,
  type ConsensusBody,
  type InferenceRequestBody,
  type Packet,
  type PacketBody,
  type RevealBody,
  type RevealRejectionReason,
  type RevealRequestBody,
} from '../protocol/index.js';
import type {
  CommitRejectionReason,
  QuorumDecision,
  QuorumEvent,
  QuorumFailureReason,
  QuorumPhase,
  QuorumStep,
  RevealListRejectionReason,
} from './events.js';
import { DEFAULT_TIMINGS, scheduleFor, type QuorumSchedule, type QuorumTimings } from './timings.js';

export interface QuorumOptions {
  /** The request, already verified by the receiver. */
  request: Packet<InferenceRequestBody>;
  /** This node's synthientId. */
  self: string;
  /** Whether this node can re-embed outputs with the frame's embedding model (and so decide itself). */
  canVerify: boolean;
  timings?: Partial<QuorumTimings>;
  /** Bits a re-embedding may differ from a claimed embedding; defaults to the model's tolerance scaled to the prefix. */
  verifyToleranceBits?: number;
  /** Signature check for commits that reach this node only inside a reveal list. */
  verifyCommit?: (packet: Packet<CommitBody>) => boolean;
}

/** This node's own answer, kept secret until the reveal list is fixed. */
export interface OwnReveal {
  inferenceId: string;
  output: string;
  bEmbedding: Uint8Array;
  salt: Uint8Array;
}

type RevealStatus = 'unverified' | 'pending' | 'verified' | 'rejected';

interface RevealRecord {
  from: string;
  inferenceId: string;
  output: string;
  bEmbedding: Uint8Array;
  status: RevealStatus;
  rejection?: { reason: RevealRejectionReason; detail: string };
}

interface AdoptedList {
  from: string;
  byRequester: boolean;
  entries: CommitEntry[];
  listHash: string;
}

interface ReceivedReveal {
  packet: Packet<RevealBody>;
  receivedAt: number;
}

/** A read-only picture of a request for UIs and tests. */
export interface QuorumSnapshot {
  requestId: string;
  phase: QuorumPhase;
  schedule: QuorumSchedule;
  commits: { from: string; inferenceId: string; commitment: string; model: string; createdAt: number }[];
  flagged: string[];
  list?: { from: string; byRequester: boolean; listHash: string; inferenceIds: string[] };
  reveals: { from: string; inferenceId: string; output: string; bEmbedding: string; status: RevealStatus; rejection?: { reason: RevealRejectionReason; detail: string } }[];
  attestations: { resultHash: string; count: number }[];
  failedAttestations: number;
  decision?: QuorumDecision;
  failure?: { reason: QuorumFailureReason; explanation: string };
}

/**
 * One request's consensus, as a pure state machine: packets and `tick(now)` in, packets to send and
 * UI events out. It never reads a clock; `now` is always the caller's.
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
  readonly bits: number;
  readonly toleranceBits: number;
  private readonly self: string;
  private readonly canVerify: boolean;
  private readonly verifyCommit: (packet: Packet<CommitBody>) => boolean;

  private phase: QuorumPhase = 'collecting';
  private readonly commits = new Map<string, CommitEntry>();
  /** Commits whose signature was already checked, keyed by everything the signature covers. */
  private readonly knownCommitSigs = new Set<string>();
  private readonly flagged = new Set<string>();
  private list?: AdoptedList;
  private listSent = false;
  private readonly receivedReveals = new Map<string, ReceivedReveal>();
  private reveals = new Map<string, RevealRecord>();
  private readonly ownEmbeddings = new Map<string, Uint8Array>();
  private ownReveal?: OwnReveal;
  private ownRevealSent = false;
  private readonly attestations = new Map<string, ConsensusBody>();
  private decision?: QuorumDecision;
  private failure?: { reason: QuorumFailureReason; explanation: string };
  private out: QuorumStep = { send: [], events: [] };

  constructor(options: QuorumOptions) {
    const { request } = options;
    const frame = request.body.securityFrame;
    const bits = embeddingBits(frame.embeddingModel, frame.embeddingDims);
    if (bits === undefined) throw new RangeError(`unknown embedding model or size: ${frame.embeddingModel}`);
    this.request = request;
    this.requestId = request.body.requestId;
    this.self = options.self;
    this.canVerify = options.canVerify;
    this.bits = bits;
    const spec = embeddingModel(frame.embeddingModel)!;
    this.toleranceBits = options.verifyToleranceBits ?? Math.ceil((spec.verifyToleranceBits * bits) / spec.dims);
    this.schedule = scheduleFor(request, { ...DEFAULT_TIMINGS, ...options.timings });
    this.verifyCommit = options.verifyCommit ?? ((packet) => verifyPacket(packet));
  }

  get currentPhase(): QuorumPhase {
    return this.phase;
  }

  get isRequester(): boolean {
    return this.request.from === this.self;
  }

  /** Feeds one verified packet about this request. */
  receive(packet: Packet, now: number): QuorumStep {
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
          this.onReveal(packet as Packet<RevealBody>, now);
          break;
        case 'revealRejection':
          this.emit({ type: 'remote-rejection', from: packet.from, inferenceId: body.inferenceId, reason: body.reason });
          break;
        case 'consensus':
          this.onAttestation(packet.from, body);
          break;
        default:
          break;
      }
    }
    return this.advance(now);
  }

  /** Moves time forward: closes windows, fixes lists, decides or fails when their moment comes. */
  tick(now: number): QuorumStep {
    return this.advance(now);
  }

  /** Registers this node's own answer; it is revealed as soon as a reveal list that includes it is fixed. */
  setOwnReveal(reveal: OwnReveal, now: number): QuorumStep {
    this.ownReveal = reveal;
    this.sendOwnRevealIfListed(now);
    return this.advance(now);
  }

  /** The driver's re-embedding of a revealed output (after a `needs-embedding` event). */
  supplyEmbedding(inferenceId: string, embedding: Uint8Array, now: number): QuorumStep {
    if (embedding.length * 8 !== this.bits) {
      throw new RangeError(`re-embedding has ${embedding.length * 8} bits, the frame needs ${this.bits}`);
    }
    this.ownEmbeddings.set(inferenceId, embedding);
    const record = this.reveals.get(inferenceId);
    if (record?.status === 'pending') this.applyVerification(record);
    return this.advance(now);
  }

  snapshot(): QuorumSnapshot {
    const counts = this.attestationCounts();
    return {
      requestId: this.requestId,
      phase: this.phase,
      schedule: this.schedule,
      commits: [...this.commits.values()].map(({ from, inferenceId, commitment, model, createdAt }) => ({
        from,
        inferenceId,
        commitment,
        model,
        createdAt,
      })),
      flagged: [...this.flagged],
      list: this.list && {
        from: this.list.from,
        byRequester: this.list.byRequester,
        listHash: this.list.listHash,
        inferenceIds: this.list.entries.map((entry) => entry.inferenceId),
      },
      reveals: [...this.reveals.values()].map((record) => ({
        from: record.from,
        inferenceId: record.inferenceId,
        output: record.output,
        bEmbedding: bytesToHex(record.bEmbedding),
        status: record.status,
        ...(record.rejection ? { rejection: record.rejection } : {}),
      })),
      attestations: [...counts.decided].map(([resultHash, count]) => ({ resultHash, count })).sort((a, b) => b.count - a.count),
      failedAttestations: counts.failed,
      ...(this.decision ? { decision: this.decision } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  /** How many distinct nodes attested this result hash (this node included, if it decided). */
  attestationsFor(resultHash: string): number {
    return this.attestationCounts().decided.get(resultHash) ?? 0;
  }

  private emit(event: QuorumEvent): void {
    this.out.events.push(event);
  }

  private send(body: PacketBody): void {
    this.out.send.push(body);
  }

  private flush(): QuorumStep {
    const step = this.out;
    this.out = { send: [], events: [] };
    return step;
  }

  private setPhase(phase: QuorumPhase): void {
    if (this.phase === phase) return;
    this.phase = phase;
    this.emit({ type: 'phase', phase });
  }

  private get settled(): boolean {
    return this.phase === 'decided' || this.phase === 'failed';
  }

  // ---- commits ----

  private onCommit(packet: Packet<CommitBody>, now: number): void {
    const { from } = packet;
    const { inferenceId, commitment, model } = packet.body;
    const reject = (reason: CommitRejectionReason) => this.emit({ type: 'commit-rejected', from, inferenceId, reason });
    const known = this.commits.get(from);
    if (known) {
      if (known.commitment === commitment) this.emit({ type: 'duplicate', packetType: 'commit', from });
      else {
        // Keep the first commitment; a node that commits twice to one request is marked.
        this.flagged.add(from);
        reject('equivocation');
      }
      return;
    }
    if (computeInferenceId(this.requestId, from, commitment) !== inferenceId) return reject('bad-inference-id');
    if (!this.request.body.acceptedModels.includes(model)) return reject('model-not-accepted');
    if (packet.createdAt > this.schedule.commitDeadline || now > this.schedule.listAt) return reject('late');
    if (this.list) return reject('after-list');
    this.commits.set(from, { from, createdAt: packet.createdAt, inferenceId, commitment, model, sig: packet.sig });
    this.knownCommitSigs.add(commitKey({ from, createdAt: packet.createdAt, commitment, model, sig: packet.sig }));
    this.emit({ type: 'commit', from, inferenceId, model });
  }

  // ---- reveal lists ----

  private onRevealRequest(packet: Packet<RevealRequestBody>, now: number): void {
    const byRequester = packet.from === this.request.from;
    const reject = (reason: RevealListRejectionReason, detail: string) =>
      this.emit({ type: 'reveal-list-rejected', from: packet.from, reason, detail });
    if (this.settled) return;
    // Only the requester may fix the list before the fallback moment; anyone may after it.
    if (!byRequester && now < this.schedule.fallbackListAt) return reject('too-early', 'only the requester may fix the list yet');
    const problem = this.checkList(packet.body.commits);
    if (problem) return reject(problem.reason, problem.detail);
    const candidate: AdoptedList = {
      from: packet.from,
      byRequester,
      entries: packet.body.commits,
      listHash: computeListHash(packet.body.commits.map((entry) => entry.commitment)),
    };
    if (this.list && !this.prefersList(candidate, this.list)) {
      if (candidate.listHash === this.list.listHash) this.emit({ type: 'duplicate', packetType: 'revealRequest', from: packet.from });
      return;
    }
    this.adoptList(candidate, now);
  }

  private checkList(entries: CommitEntry[]): { reason: RevealListRejectionReason; detail: string } | undefined {
    const quorum = this.request.body.securityFrame.quorum;
    if (entries.length < quorum) return { reason: 'too-few-commits', detail: `${entries.length} commits, quorum is ${quorum}` };
    const committers = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (i > 0 && compareEntries(entries[i - 1]!, entry) >= 0) {
        return { reason: 'not-sorted', detail: 'entries must be in strictly ascending (commitment, inferenceId) order' };
      }
      if (committers.has(entry.from)) return { reason: 'duplicate-committer', detail: `${entry.from} appears twice` };
      committers.add(entry.from);
      if (computeInferenceId(this.requestId, entry.from, entry.commitment) !== entry.inferenceId) {
        return { reason: 'bad-entry', detail: `entry ${i} has a wrong inferenceId` };
      }
      if (!this.request.body.acceptedModels.includes(entry.model)) {
        return { reason: 'bad-entry', detail: `entry ${i} uses a model the request does not accept` };
      }
      if (entry.createdAt > this.schedule.commitDeadline) {
        return { reason: 'entry-after-deadline', detail: `entry ${i} was signed after the commit window` };
      }
      if (!this.knownCommitSigs.has(commitKey(entry))) {
        const commit: Packet<CommitBody> = {
          v: 1,
          from: entry.from,
          createdAt: entry.createdAt,
          body: { type: 'commit', requestId: this.requestId, inferenceId: entry.inferenceId, commitment: entry.commitment, model: entry.model },
          sig: entry.sig,
        };
        if (!this.verifyCommit(commit)) return { reason: 'bad-entry-signature', detail: `entry ${i} is not signed by its committer` };
        this.knownCommitSigs.add(commitKey(entry));
      }
    }
    return undefined;
  }

  /** The requester's list wins; among others, the longer list, then the lower list hash. */
  private prefersList(candidate: AdoptedList, current: AdoptedList): boolean {
    if (candidate.byRequester !== current.byRequester) return candidate.byRequester;
    if (candidate.entries.length !== current.entries.length) return candidate.entries.length > current.entries.length;
    return compareHex(candidate.listHash, current.listHash) < 0;
  }

  private adoptList(list: AdoptedList, now: number): void {
    this.list = list;
    this.emit({ type: 'reveal-list', from: list.from, size: list.entries.length, listHash: list.listHash, byRequester: list.byRequester });
    if (this.phase === 'collecting') this.setPhase('revealing');
    // Re-judge every reveal received so far against the new list.
    this.reveals = new Map();
    for (const received of this.receivedReveals.values()) this.judgeReveal(received);
    this.sendOwnRevealIfListed(now);
  }

  private buildOwnList(): CommitEntry[] {
    return [...this.commits.values()].sort(compareEntries).slice(0, LIMITS.revealList);
  }

  private issueList(now: number): void {
    const entries = this.buildOwnList();
    this.listSent = true;
    this.send({ type: 'revealRequest', requestId: this.requestId, commits: entries });
    const candidate: AdoptedList = {
      from: this.self,
      byRequester: this.isRequester,
      entries,
      listHash: computeListHash(entries.map((entry) => entry.commitment)),
    };
    if (!this.list || this.prefersList(candidate, this.list)) this.adoptList(candidate, now);
  }

  // ---- reveals ----

  private sendOwnRevealIfListed(now: number): void {
    const own = this.ownReveal;
    if (!own || this.ownRevealSent || !this.list) return;
    if (!this.list.entries.some((entry) => entry.inferenceId === own.inferenceId)) return;
    this.ownRevealSent = true;
    const body: RevealBody = {
      type: 'reveal',
      requestId: this.requestId,
      inferenceId: own.inferenceId,
      output: own.output,
      bEmbedding: bytesToHex(own.bEmbedding),
      salt: bytesToHex(own.salt),
    };
    this.send(body);
    // Our own answer needs no re-embedding: we computed it.
    this.ownEmbeddings.set(own.inferenceId, own.bEmbedding);
    this.onReveal({ v: 1, from: this.self, createdAt: now, body, sig: '' }, now);
  }

  private onReveal(packet: Packet<RevealBody>, now: number): void {
    const { inferenceId } = packet.body;
    const key = revealKey(packet.from, inferenceId);
    const previous = this.receivedReveals.get(key);
    if (previous) {
      const same = previous.packet.body.output === packet.body.output && previous.packet.body.salt === packet.body.salt && previous.packet.body.bEmbedding === packet.body.bEmbedding;
      if (same) {
        this.emit({ type: 'duplicate', packetType: 'reveal', from: packet.from });
        return;
      }
      // Only one opening of a commitment exists: a different second reveal replaces the first only if
      // the first failed to open it, and is otherwise judged (and rejected) without being kept.
      const record = this.reveals.get(inferenceId);
      const firstFailed = record?.from === packet.from && record.status === 'rejected' && record.rejection?.reason !== 'embedding-mismatch';
      if (!firstFailed) {
        if (this.list) this.judgeReveal({ packet, receivedAt: now }, false);
        return;
      }
    }
    if (now > this.schedule.revealDeadline || this.settled || this.phase === 'deciding') {
      this.emit({ type: 'reveal-rejected', from: packet.from, inferenceId, reason: 'late', detail: 'arrived after the reveal window' });
      return;
    }
    if (!previous && this.receivedReveals.size >= LIMITS.revealList * 2) return;
    const received = { packet, receivedAt: now };
    this.receivedReveals.set(key, received);
    if (this.list) this.judgeReveal(received);
  }

  private judgeReveal({ packet }: ReceivedReveal, keep = true): void {
    const { inferenceId, output, bEmbedding, salt } = packet.body;
    const entry = this.list!.entries.find((candidate) => candidate.inferenceId === inferenceId);
    const reject = (reason: RevealRejectionReason, detail: string, announce = true) => {
      this.emit({ type: 'reveal-rejected', from: packet.from, inferenceId, reason, detail });
      if (announce && this.canVerify) this.send({ type: 'revealRejection', requestId: this.requestId, inferenceId, reason, detail });
      // Only the committer's own reveal may stand for its entry: a copy sent by anyone else must not replace it.
      if (keep && entry && entry.from === packet.from) {
        this.reveals.set(inferenceId, {
          from: packet.from,
          inferenceId,
          output,
          bEmbedding: hexToBytes(bEmbedding),
          status: 'rejected',
          rejection: { reason, detail },
        });
      }
    };
    if (!entry) return reject('not-in-list', 'no commit in the fixed reveal list has this inferenceId', false);
    if (entry.from !== packet.from) return reject('not-in-list', 'sent by a node other than the committer', false);
    if (bEmbedding.length * 4 !== this.bits) {
      return reject('embedding-size', `${bEmbedding.length * 4} bits, the frame needs ${this.bits}`);
    }
    if (!revealMatchesCommitment(entry.commitment, { requestId: this.requestId, synthientId: entry.from, output, bEmbedding, salt })) {
      return reject('commitment-mismatch', 'the revealed output, embedding and salt do not hash to the commitment');
    }
    if (!keep) return;
    const record: RevealRecord = { from: packet.from, inferenceId, output, bEmbedding: hexToBytes(bEmbedding), status: 'unverified' };
    this.reveals.set(inferenceId, record);
    this.emit({ type: 'reveal', from: packet.from, inferenceId });
    // A node that cannot verify may now hold an attested result's chosen reveal: `advance` looks again.
    if (!this.canVerify) return;
    record.status = 'pending';
    if (this.ownEmbeddings.has(inferenceId)) this.applyVerification(record);
    else this.emit({ type: 'needs-embedding', inferenceId, output });
  }

  private applyVerification(record: RevealRecord): void {
    const own = this.ownEmbeddings.get(record.inferenceId)!;
    const distance = hammingDistance(own, record.bEmbedding);
    if (distance <= this.toleranceBits) {
      record.status = 'verified';
      return;
    }
    record.status = 'rejected';
    const detail = `claimed embedding differs from ours in ${distance} bits (tolerance ${this.toleranceBits})`;
    record.rejection = { reason: 'embedding-mismatch', detail };
    this.emit({ type: 'reveal-rejected', from: record.from, inferenceId: record.inferenceId, reason: 'embedding-mismatch', detail });
    this.send({ type: 'revealRejection', requestId: this.requestId, inferenceId: record.inferenceId, reason: 'embedding-mismatch', detail });
  }

  // ---- time ----

  private advance(now: number): QuorumStep {
    const s = this.schedule;
    if (this.phase === 'collecting' && now >= s.listAt) {
      if (this.isRequester) {
        if (this.commits.size >= this.request.body.securityFrame.quorum) this.issueList(now);
        else this.fail('not-enough-commits', this.commitShortfall());
      } else {
        this.setPhase('revealing');
      }
    }
    if (this.phase === 'revealing' && !this.list && !this.listSent && now >= s.fallbackListAt) {
      if (this.commits.size >= this.request.body.securityFrame.quorum) this.issueList(now);
    }
    if (this.phase === 'revealing' && this.list?.byRequester && this.canVerify && this.allListedRevealsJudged()) {
      this.setPhase('deciding');
    }
    if ((this.phase === 'revealing' || this.phase === 'collecting') && now >= s.revealDeadline) {
      if (!this.list) {
        if (this.commits.size < this.request.body.securityFrame.quorum) this.fail('not-enough-commits', this.commitShortfall());
        else this.fail('no-reveal-list', 'no node fixed a reveal list before the reveal window closed');
      } else {
        this.setPhase('deciding');
      }
    }
    if (this.phase === 'deciding' && this.canVerify && ![...this.reveals.values()].some((r) => r.status === 'pending')) {
      this.decideVerified();
    }
    if (!this.canVerify && this.attestations.size > 0 && this.phase !== 'failed') this.adoptAttestedResult();
    if (this.phase === 'deciding' && !this.canVerify && now >= s.attestationDeadline) {
      this.fail('no-attestations', 'no node that could verify attested a decision in time');
    }
    return this.flush();
  }

  private commitShortfall(): string {
    return `${this.commits.size} of ${this.request.body.securityFrame.quorum} commits arrived before the window closed`;
  }

  private allListedRevealsJudged(): boolean {
    return this.list!.entries.every((entry) => {
      const status = this.reveals.get(entry.inferenceId)?.status;
      return status === 'verified' || status === 'rejected';
    });
  }

  private fail(reason: QuorumFailureReason, explanation: string, consensus?: ConsensusResult): void {
    this.failure = { reason, explanation };
    this.setPhase('failed');
    this.emit({ type: 'failed', reason, explanation, ...(consensus ? { consensus } : {}) });
  }

  private decideVerified(): void {
    const list = this.list!;
    const frame = this.request.body.securityFrame;
    const listed = list.entries
      .map((entry) => ({ entry, record: this.reveals.get(entry.inferenceId) }))
      .filter((item): item is { entry: CommitEntry; record: RevealRecord } => item.record !== undefined);
    const verified = listed.filter(({ record }) => record.status === 'verified');
    const result = decide({
      points: verified.map(({ entry, record }) => ({ inferenceId: entry.inferenceId, commitment: entry.commitment, bEmbedding: record.bEmbedding })),
      commitCount: list.entries.length,
      rejectedCount: listed.length - verified.length,
      secDistance: frame.secDistance,
      secPercentage: frame.secPercentage,
      bits: this.bits,
    });
    if (result.status === 'failed') {
      const attestation: ConsensusBody = { type: 'consensus', requestId: this.requestId, outcome: 'failed', listHash: list.listHash, reason: result.reason };
      this.attestations.set(this.self, attestation);
      this.send(attestation);
      this.fail(result.reason, result.explanation, result);
      return;
    }
    const chosen = this.reveals.get(result.chosen)!;
    const entry = list.entries.find((candidate) => candidate.inferenceId === result.chosen)!;
    const validInferenceIds = [...result.members].sort(compareHex);
    const resultHash = computeResultHash({
      requestId: this.requestId,
      listHash: list.listHash,
      chosenInferenceId: result.chosen,
      chosenOutput: chosen.output,
      validInferenceIds,
    });
    const attestation: ConsensusBody = {
      type: 'consensus',
      requestId: this.requestId,
      outcome: 'decided',
      listHash: list.listHash,
      validInferenceIds,
      chosenInferenceId: result.chosen,
      resultHash,
    };
    this.attestations.set(this.self, attestation);
    this.send(attestation);
    this.settle({
      basis: 'verified',
      chosenInferenceId: result.chosen,
      output: chosen.output,
      chosenFrom: chosen.from,
      model: entry.model,
      resultHash,
      listHash: list.listHash,
      validInferenceIds,
      consensus: result,
    });
  }

  private settle(decision: QuorumDecision): void {
    this.decision = decision;
    this.failure = undefined;
    this.setPhase('decided');
    this.emit({ type: 'decided', decision });
  }

  // ---- attestations ----

  private onAttestation(from: string, body: ConsensusBody): void {
    const previous = this.attestations.get(from);
    if (previous) {
      const same = previous.outcome === body.outcome && (previous.outcome === 'failed' || previous.resultHash === (body as typeof previous).resultHash);
      this.emit(same ? { type: 'duplicate', packetType: 'consensus', from } : { type: 'attestation-conflict', from });
      if (!same) this.flagged.add(from);
      return;
    }
    this.attestations.set(from, body);
    const counts = this.attestationCounts();
    if (body.outcome === 'failed') {
      this.emit({ type: 'attestation', from, outcome: 'failed', count: counts.failed });
      return;
    }
    this.emit({ type: 'attestation', from, outcome: 'decided', resultHash: body.resultHash, count: counts.decided.get(body.resultHash) ?? 0 });
  }

  /**
   * A node that cannot verify follows the result most nodes attested, but only one it can check:
   * it must hold the chosen reveal, and the attested result hash must match what it recomputes.
   */
  private adoptAttestedResult(): void {
    const counts = this.attestationCounts().decided;
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || compareHex(a[0], b[0]));
    for (const [resultHash] of ranked) {
      if (this.decision?.resultHash === resultHash) return;
      // Only a result attested by as many listed committers as a decision needs: attackers within the
      // frame's tolerance hold fewer, so an honest verifier is among them. Otherwise one forged but
      // well-formed attestation, sent the moment a colluder's reveal is out, would win.
      if (this.listedAttesters(resultHash) < this.requiredClusterSize()) continue;
      const attestation = [...this.attestations.values()].find(
        (candidate): candidate is Extract<ConsensusBody, { outcome: 'decided' }> =>
          candidate.outcome === 'decided' && candidate.resultHash === resultHash,
      )!;
      const entry = this.findCommit(attestation.chosenInferenceId);
      const chosen = entry && this.receivedReveals.get(revealKey(entry.from, entry.inferenceId))?.packet;
      if (!entry || !chosen) continue;
      if (!revealMatchesCommitment(entry.commitment, { ...chosen.body, synthientId: entry.from })) continue;
      const recomputed = computeResultHash({
        requestId: this.requestId,
        listHash: attestation.listHash,
        chosenInferenceId: attestation.chosenInferenceId,
        chosenOutput: chosen.body.output,
        validInferenceIds: attestation.validInferenceIds,
      });
      if (recomputed !== resultHash) continue;
      this.settle({
        basis: 'attested',
        chosenInferenceId: attestation.chosenInferenceId,
        output: chosen.body.output,
        chosenFrom: entry.from,
        model: entry.model,
        resultHash,
        listHash: attestation.listHash,
        validInferenceIds: attestation.validInferenceIds,
      });
      return;
    }
  }

  private listedAttesters(resultHash: string): number {
    const listed = new Set(this.list?.entries.map((entry) => entry.from));
    let count = 0;
    for (const [from, attestation] of this.attestations) {
      if (listed.has(from) && attestation.outcome === 'decided' && attestation.resultHash === resultHash) count++;
    }
    return count;
  }

  private requiredClusterSize(): number {
    return this.list ? requiredClusterSize(this.request.body.securityFrame.secPercentage, this.list.entries.length) : Infinity;
  }

  private findCommit(inferenceId: string): CommitEntry | undefined {
    return (
      this.list?.entries.find((entry) => entry.inferenceId === inferenceId) ??
      [...this.commits.values()].find((entry) => entry.inferenceId === inferenceId)
    );
  }

  private attestationCounts(): { decided: Map<string, number>; failed: number } {
    const decided = new Map<string, number>();
    let failed = 0;
    for (const attestation of this.attestations.values()) {
      if (attestation.outcome === 'failed') failed++;
      else decided.set(attestation.resultHash, (decided.get(attestation.resultHash) ?? 0) + 1);
    }
    return { decided, failed };
  }
}

function revealKey(from: string, inferenceId: string): string {
  return `${from}:${inferenceId}`;
}

/**
 * Reveal-list order: by commitment, then by inferenceId. Two committers can carry the same commitment
 * (one copied it under its own id; only the other can open it), so commitment order alone is not strict.
 */
function compareEntries(a: CommitEntry, b: CommitEntry): number {
  return compareHex(a.commitment, b.commitment) || compareHex(a.inferenceId, b.inferenceId);
}

function commitKey(entry: Pick<CommitEntry, 'from' | 'createdAt' | 'commitment' | 'model' | 'sig'>): string {
  return `${entry.from}:${entry.createdAt}:${entry.commitment}:${entry.model}:${entry.sig}`;
}
