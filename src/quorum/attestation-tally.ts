import { compareHex, type ConsensusBody } from '../protocol/index.js';
import type { QuorumEvent } from './events.js';
import type { QuorumSnapshot } from './snapshot.js';

export type DecidedAttestation = Extract<ConsensusBody, { outcome: 'decided' }>;

/** The attestations of one request: one per node (the first kept), counted by result hash. */
export class AttestationTally {
  private readonly byNode = new Map<string, ConsensusBody>();

  get size(): number {
    return this.byNode.size;
  }

  /** Records a node's attestation; a second one from the same node is a duplicate or, if it differs, a conflict (not kept). */
  receive(from: string, body: ConsensusBody): Extract<QuorumEvent, { type: 'attestation' | 'duplicate' | 'attestation-conflict' }> {
    const previous = this.byNode.get(from);
    if (previous) {
      const same = previous.outcome === body.outcome && (previous.outcome === 'failed' || previous.resultHash === (body as DecidedAttestation).resultHash);
      const [had, has] = [previous.inputs ?? 0, body.inputs ?? 0];
      // A node that learned more re-decides: its attestation of more inputs replaces the earlier one,
      // and the earlier one arriving late is stale, not a conflict. Two results of the same inputs conflict.
      if (same || has < had) return { type: 'duplicate', packetType: 'consensus', from };
      if (has === had) return { type: 'attestation-conflict', from };
    }
    this.byNode.set(from, body);
    const counts = this.counts();
    if (body.outcome === 'failed') return { type: 'attestation', from, outcome: 'failed', count: counts.failed };
    return { type: 'attestation', from, outcome: 'decided', resultHash: body.resultHash, count: counts.decided.get(body.resultHash) ?? 0 };
  }

  /** This node's own attestation, which replaces any copy of it heard back. */
  recordOwn(self: string, body: ConsensusBody): void {
    this.byNode.set(self, body);
  }

  counts(): { decided: Map<string, number>; failed: number } {
    const decided = new Map<string, number>();
    let failed = 0;
    for (const attestation of this.byNode.values()) {
      if (attestation.outcome === 'failed') failed++;
      else decided.set(attestation.resultHash, (decided.get(attestation.resultHash) ?? 0) + 1);
    }
    return { decided, failed };
  }

  snapshot(): Pick<QuorumSnapshot, 'attestations' | 'failedAttestations'> {
    const { decided, failed } = this.counts();
    return { attestations: [...decided].map(([resultHash, count]) => ({ resultHash, count })).sort((a, b) => b.count - a.count), failedAttestations: failed };
  }

  /** How many distinct nodes attested this result hash. */
  countFor(resultHash: string): number {
    return this.counts().decided.get(resultHash) ?? 0;
  }

  /** Result hashes, most attested first, ties to the lower hash. */
  ranked(): string[] {
    return [...this.counts().decided].sort((a, b) => b[1] - a[1] || compareHex(a[0], b[0])).map(([resultHash]) => resultHash);
  }

  /** How many of `nodes` attested this result hash. */
  attestedBy(nodes: ReadonlySet<string>, resultHash: string): number {
    let count = 0;
    for (const [from, attestation] of this.byNode) {
      if (nodes.has(from) && attestation.outcome === 'decided' && attestation.resultHash === resultHash) count++;
    }
    return count;
  }

  /** One attestation of this result hash (they agree on everything the hash covers). */
  find(resultHash: string): DecidedAttestation | undefined {
    for (const attestation of this.byNode.values()) {
      if (attestation.outcome === 'decided' && attestation.resultHash === resultHash) return attestation;
    }
    return undefined;
  }
}
