import { compareHex, LIMITS, type ConsensusBody } from '../protocol/index.js';
import type { QuorumEvent } from './events.js';
import type { QuorumSnapshot } from './snapshot.js';

export type DecidedAttestation = Extract<ConsensusBody, { outcome: 'decided' }>;

/** Attestations kept at most before this node knows the reveal list (pulled packets come in any order). */
export const MAX_EARLY_ATTESTATIONS = 4 * LIMITS.revealList;

/**
 * The attestations of one request: one per node (its latest decision), counted by result hash as they
 * come (so each costs O(1)), and bounded: a node is heard only when `mayAttest` allows it, given how many
 * are kept. The quorum hears those who speak for the request (the requester, and committers that are or
 * may be in the reveal list), at most one per listed entry plus the requester however large the network,
 * and, until it knows the list, up to `MAX_EARLY_ATTESTATIONS` others (pulled packets come in any order,
 * so an attestation may arrive before the list that names its author). None is ever displaced. What a
 * follower needs is unchanged: a result attested by as many listed committers as a decision needs.
 */
export class AttestationTally {
  private readonly byNode = new Map<string, ConsensusBody>();
  /** The nodes that attested each result hash. */
  private readonly byResult = new Map<string, Set<string>>();
  /** Result hashes attested, most attested first, ties to the lower hash; kept in order as counts move. */
  private readonly order: string[] = [];
  private failed = 0;
  /** Failed attestations per reason given. */
  private readonly failedFor = new Map<string, number>();

  constructor(private readonly mayAttest: (node: string, kept: number) => boolean = () => true) {}

  get size(): number {
    return this.byNode.size;
  }

  /**
   * Records a node's attestation. A second one from the same node replaces the first when it names more
   * inputs (the node re-decided); otherwise it is a duplicate (or stale), or, if it differs on the same
   * inputs, a conflict (not kept).
   */
  receive(from: string, body: ConsensusBody): Extract<QuorumEvent, { type: 'attestation' | 'duplicate' | 'attestation-conflict' | 'attestation-refused' }> {
    const previous = this.byNode.get(from);
    if (previous) {
      const same = previous.outcome === body.outcome && (previous.outcome === 'failed' || previous.resultHash === (body as DecidedAttestation).resultHash);
      const [had, has] = [previous.inputs ?? 0, body.inputs ?? 0];
      // A node that learned more re-decides: its attestation of more inputs replaces the earlier one,
      // and the earlier one arriving late is stale, not a conflict. Two results of the same inputs conflict.
      if (same || has < had) return { type: 'duplicate', packetType: 'consensus', from };
      if (has === had) return { type: 'attestation-conflict', from };
      this.remove(from);
    } else if (!this.mayAttest(from, this.byNode.size)) return { type: 'attestation-refused', from };
    this.add(from, body);
    if (body.outcome === 'failed') return { type: 'attestation', from, outcome: 'failed', count: this.failed };
    return { type: 'attestation', from, outcome: 'decided', resultHash: body.resultHash, count: this.countFor(body.resultHash) };
  }

  /** This node's own attestation, which replaces any copy of it heard back. */
  recordOwn(self: string, body: ConsensusBody): void {
    this.remove(self);
    this.add(self, body);
  }

  counts(): { decided: Map<string, number>; failed: number } {
    const decided = new Map<string, number>();
    for (const [resultHash, nodes] of this.byResult) decided.set(resultHash, nodes.size);
    return { decided, failed: this.failed };
  }

  snapshot(): Pick<QuorumSnapshot, 'attestations' | 'failedAttestations'> {
    const { decided, failed } = this.counts();
    return { attestations: [...decided].map(([resultHash, count]) => ({ resultHash, count })).sort((a, b) => b.count - a.count), failedAttestations: failed };
  }

  /** The failure most attested (ties to the first reason in name order), with how many attested it. */
  topFailure(): { reason: Extract<ConsensusBody, { outcome: 'failed' }>['reason']; count: number } | undefined {
    let top: { reason: string; count: number } | undefined;
    for (const [reason, count] of this.failedFor) if (!top || count > top.count || (count === top.count && reason < top.reason)) top = { reason, count };
    return top as ReturnType<AttestationTally['topFailure']>;
  }

  /** How many distinct nodes attested this result hash. */
  countFor(resultHash: string): number {
    return this.byResult.get(resultHash)?.size ?? 0;
  }

  /** Result hashes, most attested first, ties to the lower hash (read it before the tally changes again). */
  ranked(): readonly string[] {
    return this.order;
  }

  /** How many of `nodes` attested this result hash. */
  attestedBy(nodes: ReadonlySet<string>, resultHash: string): number {
    const attesters = this.byResult.get(resultHash);
    if (!attesters) return 0;
    const [fewer, more] = attesters.size <= nodes.size ? [attesters, nodes] : [nodes, attesters];
    let count = 0;
    for (const node of fewer) if (more.has(node)) count++;
    return count;
  }

  /** One attestation of this result hash (they agree on everything the hash covers). */
  find(resultHash: string): DecidedAttestation | undefined {
    for (const node of this.byResult.get(resultHash) ?? []) return this.byNode.get(node) as DecidedAttestation;
    return undefined;
  }

  private add(from: string, body: ConsensusBody): void {
    this.byNode.set(from, body);
    if (body.outcome === 'failed') {
      this.failed++;
      this.failedFor.set(body.reason, (this.failedFor.get(body.reason) ?? 0) + 1);
      return;
    }
    let attesters = this.byResult.get(body.resultHash);
    if (!attesters) this.byResult.set(body.resultHash, (attesters = new Set()));
    else this.unrank(body.resultHash, attesters.size);
    attesters.add(from);
    this.rank(body.resultHash, attesters.size);
  }

  private remove(from: string): void {
    const previous = this.byNode.get(from);
    this.byNode.delete(from);
    if (previous?.outcome === 'failed') {
      this.failed--;
      const left = this.failedFor.get(previous.reason)! - 1;
      if (left > 0) this.failedFor.set(previous.reason, left);
      else this.failedFor.delete(previous.reason);
    }
    else if (previous) {
      const attesters = this.byResult.get(previous.resultHash)!;
      this.unrank(previous.resultHash, attesters.size);
      attesters.delete(from);
      if (attesters.size > 0) this.rank(previous.resultHash, attesters.size);
      else this.byResult.delete(previous.resultHash);
    }
  }

  /** Where `(count, resultHash)` sits in the ranking (binary search): the first index not ranked before it. */
  private indexOf(resultHash: string, count: number): number {
    let [low, high] = [0, this.order.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.order[middle]!;
      const otherCount = this.countFor(other);
      if (otherCount > count || (otherCount === count && compareHex(other, resultHash) < 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private rank(resultHash: string, count: number): void {
    this.order.splice(this.indexOf(resultHash, count), 0, resultHash);
  }

  /** Takes a hash out of the ranking while it still has `count` attesters (before its count moves). */
  private unrank(resultHash: string, count: number): void {
    this.order.splice(this.indexOf(resultHash, count), 1);
  }
}
