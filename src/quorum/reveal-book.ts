import { bytesToHex, hexToBytes, LIMITS, revealMatchesCommitment, type Packet, type PacketBody, type RevealBody, type RevealRejectionReason } from '../protocol/index.js';
import { refutation, type EmbeddingChecks } from './embedding-checks.js';
import type { QuorumEvent } from './events.js';
import type { Holdings } from './holdings.js';
import type { RevealList } from './reveal-list.js';
import type { QuorumSnapshot, RevealStatus } from './snapshot.js';

export interface RevealRecord {
  from: string;
  inferenceId: string;
  output: string;
  bEmbedding: Uint8Array;
  status: RevealStatus;
  rejection?: { reason: RevealRejectionReason; detail: string };
}

/** Where the quorum's parts put what a step reports and asks to send. */
export interface QuorumOutput {
  emit(event: QuorumEvent): void;
  send(body: PacketBody): void;
}

export interface RevealBookOptions {
  requestId: string;
  /** The frame's models: the claimed embedding's size, and how this node checks it. */
  embeddings: EmbeddingChecks;
  canVerify: boolean;
  out: QuorumOutput;
  /** Openings kept are held for reconciliation; one that replaces a failed opening releases it. */
  holdings: Holdings;
  /** Whether this node holds the commit of `from` with this inferenceId (before a list, its opening may be listed). */
  /** The commitment of this committer's commit this node holds (before a list names it), if any. */
  commitmentOf: (from: string, inferenceId: string) => string | undefined;
}

/** Openings kept per sender that no list or commit names (one identity has one commitment; an equivocator two). */
const UNNAMED_PER_SENDER = 2;
/** Other openings of one commitment kept aside while no commitment is known to tell which one opens it. */
const ALTERNATES = 3;

/**
 * The reveals of one request: every opening received (kept to re-judge when the list changes), the
 * judged record per listed inference, and this node's re-embeddings that verify them.
 */
export class RevealBook {
  /** With `id` once held for reconciliation: only openings a list or commit names, the ones that can shape the result. */
  private readonly received = new Map<string, { packet: Packet<RevealBody>; id?: string; alternates: Packet<RevealBody>[] }>();
  /** Openings kept per sender. */
  private readonly perSender = new Map<string, number>();
  private judged = new Map<string, RevealRecord>();
  private readonly ownEmbeddings = new Map<string, Uint8Array>();
  /** Bumped whenever a judged record changes, so a decision can tell it is out of date. */
  private changes = 0;

  constructor(private readonly options: RevealBookOptions) {}

  get version(): number {
    return this.changes;
  }

  /** Listed reveals with their final verdict (see `allJudged`). */
  finalCount(list: RevealList): number {
    return list.entries.filter((entry) => isFinal(this.judged.get(entry.inferenceId))).length;
  }

  /** The judged reveal per inferenceId. */
  get records(): ReadonlyMap<string, RevealRecord> {
    return this.judged;
  }

  /** The opening received from `from` for `inferenceId`, judged or not. */
  openingOf(from: string, inferenceId: string): RevealBody | undefined {
    return this.received.get(revealKey(from, inferenceId))?.packet.body;
  }

  /**
   * Takes one reveal. `accepting` is false for a reveal signed after the reveal window, and `list` is
   * the adopted reveal list, if any; without it the reveal is kept to be judged later.
   */
  receive(packet: Packet<RevealBody>, list: RevealList | undefined, accepting: boolean): void {
    const { inferenceId } = packet.body;
    const key = revealKey(packet.from, inferenceId);
    const previous = this.received.get(key);
    if (previous) {
      if (sameOpening(previous.packet, packet)) {
        this.options.out.emit({ type: 'duplicate', packetType: 'reveal', from: packet.from });
        return;
      }
      // Only one opening of a commitment exists: a different second reveal replaces the first only if
      // it opens the commitment and the first does not, and is otherwise judged (and rejected) without
      // being kept. With no commitment known yet, a few are kept aside to choose from once one is.
      const opens = this.opens(packet, list);
      if (opens === undefined) {
        if (previous.alternates.length < ALTERNATES && !previous.alternates.some((other) => sameOpening(other, packet))) previous.alternates.push(packet);
        return;
      }
      if (!opens || this.opens(previous.packet, list)) {
        if (list) this.judge(packet, list, false);
        return;
      }
    }
    if (!accepting) {
      this.options.out.emit({ type: 'reveal-rejected', from: packet.from, inferenceId, reason: 'late', detail: 'arrived after the reveal window' });
      return;
    }
    const named = this.named(packet, list);
    // Openings no list or commit names: never one the requester's list (which no other list displaces)
    // leaves out, the rest only a few per sender and while the cap leaves room, so unnamed junk can
    // never keep a listed committer's opening out.
    const room = !list?.byRequester && this.received.size < LIMITS.revealList * 2 && (this.perSender.get(packet.from) ?? 0) < UNNAMED_PER_SENDER;
    if (!previous && !named && !room) {
      if (list) this.judge(packet, list, false);
      return;
    }
    if (previous?.id) this.options.holdings.remove(previous.id);
    if (!previous) this.perSender.set(packet.from, (this.perSender.get(packet.from) ?? 0) + 1);
    this.received.set(key, { packet, alternates: [], ...(named ? { id: this.options.holdings.add(packet) } : {}) });
    if (list) this.judge(packet, list, true);
  }

  /** Whether the list (or, before it, a commit this node holds) names this opening's committer and inference. */
  private named({ from, body: { inferenceId } }: Packet<RevealBody>, list: RevealList | undefined): boolean {
    return this.commitmentOf(from, inferenceId, list) !== undefined;
  }

  private commitmentOf(from: string, inferenceId: string, list: RevealList | undefined): string | undefined {
    if (!list) return this.options.commitmentOf(from, inferenceId);
    return list.entries.find((entry) => entry.from === from && entry.inferenceId === inferenceId)?.commitment;
  }

  /** Whether an opening opens the commitment named for it (unknown when none is named yet). */
  private opens(packet: Packet<RevealBody>, list: RevealList | undefined): boolean | undefined {
    const commitment = this.commitmentOf(packet.from, packet.body.inferenceId, list);
    return commitment === undefined ? undefined : revealMatchesCommitment(commitment, { ...packet.body, synthientId: packet.from });
  }

  /** Judges every reveal received so far again, against a newly adopted list. */
  rejudge(list: RevealList): void {
    this.judged = new Map();
    this.changes++;
    for (const [key, kept] of this.received) {
      // The list names the commitment now: of the openings kept aside, the one that opens it stands.
      const valid = kept.alternates.find((other) => this.opens(other, list));
      if (valid && !this.opens(kept.packet, list)) {
        if (kept.id) {
          this.options.holdings.remove(kept.id);
          kept.id = this.options.holdings.add(valid);
        }
        kept.packet = valid;
      }
      kept.alternates = [];
      const { packet } = kept;
      this.judge(packet, list, true);
      if (this.named(packet, list)) kept.id ??= this.options.holdings.add(packet);
      else if (list.byRequester) {
        // No list displaces the requester's: what it leaves out is let go.
        this.received.delete(key);
        if (kept.id) this.options.holdings.remove(kept.id);
        this.perSender.set(packet.from, this.perSender.get(packet.from)! - 1);
      }
    }
  }

  /** This node's own answer needs no re-embedding: it computed it. */
  knowEmbedding(inferenceId: string, embedding: Uint8Array): void {
    this.ownEmbeddings.set(inferenceId, embedding);
  }

  /** The driver's re-embedding of a revealed output. */
  supplyEmbedding(inferenceId: string, embedding: Uint8Array): void {
    this.ownEmbeddings.set(inferenceId, embedding);
    const record = this.judged.get(inferenceId);
    if (record?.status === 'pending') this.verify(record);
  }

  anyPending(): boolean {
    return [...this.judged.values()].some((record) => record.status === 'pending');
  }

  /**
   * Whether every listed commitment has its final verdict: verified, or opened but with a claimed
   * embedding this node's re-embedding refutes (a commitment has one opening, so nothing can change
   * that). A reveal that fails to open its commitment is not final: the committer's valid opening may
   * still come, and would replace it.
   */
  allJudged(list: RevealList): boolean {
    return list.entries.every((entry) => isFinal(this.judged.get(entry.inferenceId)));
  }

  snapshot(): QuorumSnapshot['reveals'] {
    return [...this.judged.values()].map((record) => ({
      from: record.from,
      inferenceId: record.inferenceId,
      output: record.output,
      bEmbedding: bytesToHex(record.bEmbedding),
      status: record.status,
      ...(record.rejection ? { rejection: record.rejection } : {}),
    }));
  }

  private judge(packet: Packet<RevealBody>, list: RevealList, keep: boolean): void {
    const { requestId, canVerify, out } = this.options;
    const { bits } = this.options.embeddings;
    const { inferenceId, output, bEmbedding, salt } = packet.body;
    const entry = list.entries.find((candidate) => candidate.inferenceId === inferenceId);
    const reject = (reason: RevealRejectionReason, detail: string, announce = true) => {
      out.emit({ type: 'reveal-rejected', from: packet.from, inferenceId, reason, detail });
      if (announce && canVerify) out.send({ type: 'revealRejection', requestId, inferenceId, reason, detail });
      // Only the committer's own reveal may stand for its entry: a copy sent by anyone else must not replace it.
      if (keep && entry && entry.from === packet.from) {
        this.judged.set(inferenceId, { from: packet.from, inferenceId, output, bEmbedding: hexToBytes(bEmbedding), status: 'rejected', rejection: { reason, detail } });
        this.changes++;
      }
    };
    if (!entry) return reject('not-in-list', 'no commit in the fixed reveal list has this inferenceId', false);
    if (entry.from !== packet.from) return reject('not-in-list', 'sent by a node other than the committer', false);
    if (bEmbedding.length * 4 !== bits) return reject('embedding-size', `${bEmbedding.length * 4} bits, the frame needs ${bits}`);
    if (!revealMatchesCommitment(entry.commitment, { requestId, synthientId: entry.from, output, bEmbedding, salt })) {
      return reject('commitment-mismatch', 'the revealed output, embedding and salt do not hash to the commitment');
    }
    if (!keep) return;
    const record: RevealRecord = { from: packet.from, inferenceId, output, bEmbedding: hexToBytes(bEmbedding), status: 'unverified' };
    this.judged.set(inferenceId, record);
    this.changes++;
    out.emit({ type: 'reveal', from: packet.from, inferenceId });
    // A node that cannot verify may now hold an attested result's chosen reveal: the quorum looks again.
    if (!canVerify) return;
    record.status = 'pending';
    if (this.ownEmbeddings.has(inferenceId)) this.verify(record);
    else out.emit({ type: 'needs-embedding', inferenceId, output });
  }

  private verify(record: RevealRecord): void {
    const { requestId, embeddings, out } = this.options;
    this.changes++;
    const detail = refutation(record.bEmbedding, this.ownEmbeddings.get(record.inferenceId)!, embeddings);
    if (detail === undefined) {
      record.status = 'verified';
      return;
    }
    record.status = 'rejected';
    record.rejection = { reason: 'embedding-mismatch', detail };
    out.emit({ type: 'reveal-rejected', from: record.from, inferenceId: record.inferenceId, reason: 'embedding-mismatch', detail });
    out.send({ type: 'revealRejection', requestId, inferenceId: record.inferenceId, reason: 'embedding-mismatch', detail });
  }
}

/** Verified, or opened with a claimed embedding this node refutes: a commitment has one opening, so nothing can change either. */
function isFinal(record: RevealRecord | undefined): boolean {
  return record?.status === 'verified' || record?.rejection?.reason === 'embedding-mismatch';
}

function sameOpening(a: Packet<RevealBody>, b: Packet<RevealBody>): boolean {
  return a.body.output === b.body.output && a.body.salt === b.body.salt && a.body.bEmbedding === b.body.bEmbedding;
}

function revealKey(from: string, inferenceId: string): string {
  return `${from}:${inferenceId}`;
}
