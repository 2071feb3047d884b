import { hammingDistance } from '../consensus/index.js';
import { embeddingSegments, type EmbeddingSegment, type SecurityFrame } from '../protocol/index.js';

/** One model this node re-embeds with: where its bits are in a claimed embedding and in this node's own. */
export interface EmbeddingCheck extends EmbeddingSegment {
  /** Where this model's bytes start in this node's re-embedding (the models it has, concatenated in frame order). */
  ownOffsetBytes: number;
}

/** How a node verifies a frame's claimed embeddings with the models it has. */
export interface EmbeddingChecks {
  /** Every model of the frame, in frame order. */
  segments: EmbeddingSegment[];
  /** Bits of a claimed (concatenated) embedding. */
  bits: number;
  /** The models this node re-embeds with, in frame order. */
  checks: EmbeddingCheck[];
  /** Bits of this node's re-embedding: its models' bits together. */
  ownBits: number;
  /** Frame models this node cannot re-embed with, named in its attestations. */
  unverifiedModels: string[];
}

/**
 * The checks a node makes of a frame's embeddings, given the frame models it cannot run. Throws on a
 * frame naming an unknown model or size (validation refuses such requests before a quorum exists).
 */
export function embeddingChecks(frame: SecurityFrame, unverifiedModels: readonly string[] = [], toleranceBits?: number): EmbeddingChecks {
  const segments = embeddingSegments(frame);
  if (!segments) throw new RangeError(`unknown embedding model or size in the frame: ${frame.embeddingModel}`);
  const checks: EmbeddingCheck[] = [];
  let ownOffsetBytes = 0;
  for (const segment of segments) {
    if (unverifiedModels.includes(segment.model)) continue;
    checks.push({ ...segment, ownOffsetBytes, ...(toleranceBits !== undefined ? { toleranceBits } : {}) });
    ownOffsetBytes += segment.bits / 8;
  }
  return {
    segments,
    bits: segments.reduce((sum, segment) => sum + segment.bits, 0),
    checks,
    ownBits: ownOffsetBytes * 8,
    unverifiedModels: segments.filter((segment) => unverifiedModels.includes(segment.model)).map((segment) => segment.model),
  };
}

/** This node's own full answer embedding (every model) cut down to the models it checks with. */
export function checkedPart(full: Uint8Array, { checks }: EmbeddingChecks): Uint8Array {
  const part = new Uint8Array(checks.reduce((sum, check) => sum + check.bits / 8, 0));
  for (const check of checks) part.set(full.subarray(check.offsetBytes, check.offsetBytes + check.bits / 8), check.ownOffsetBytes);
  return part;
}

/**
 * Compares a claimed embedding with this node's re-embedding, model by model, each within its own
 * tolerance. Returns why it is refuted (every model past its tolerance named), or undefined when it verifies.
 */
export function refutation(claimed: Uint8Array, own: Uint8Array, { checks }: EmbeddingChecks): string | undefined {
  const refuted: string[] = [];
  for (const check of checks) {
    const distance = hammingDistance(
      claimed.subarray(check.offsetBytes, check.offsetBytes + check.bits / 8),
      own.subarray(check.ownOffsetBytes, check.ownOffsetBytes + check.bits / 8),
    );
    if (distance > check.toleranceBits) refuted.push(checks.length === 1 ? `${distance} bits (tolerance ${check.toleranceBits})` : `${distance} bits in ${check.model} (tolerance ${check.toleranceBits})`);
  }
  return refuted.length > 0 ? `claimed embedding differs from ours in ${refuted.join(', ')}` : undefined;
}
