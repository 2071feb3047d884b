import { embeddingBits, embeddingModel } from './embedding-models.js';
import { LIMITS } from './limits.js';
import type { FrameEmbedding, SecurityFrame } from './packets.js';

/**
 * The embedding models a security frame names, in frame order: `embeddingModel` (with `embeddingDims`)
 * first, then each of `extraEmbeddingModels`. A reveal's `bEmbedding` is the concatenation of one
 * binary embedding per model in this order, so the commitment binds every one of them, and a
 * single-model frame is byte for byte what it was before several models existed.
 */
export interface EmbeddingSegment {
  model: string;
  /** Bits of this model's binary embedding (its Matryoshka prefix, else its full size). */
  bits: number;
  /** Where this model's bytes start in the concatenated embedding. */
  offsetBytes: number;
  /** Bits a re-embedding may differ from the claimed one: the model's tolerance scaled to the prefix. */
  toleranceBits: number;
}

/** The frame's models as `{model, dims}`, the first one included. */
export function frameEmbeddingChoices(frame: SecurityFrame): FrameEmbedding[] {
  const first: FrameEmbedding = { model: frame.embeddingModel, ...(frame.embeddingDims !== undefined ? { dims: frame.embeddingDims } : {}) };
  return [first, ...(frame.extraEmbeddingModels ?? [])];
}

/** The frame's models as segments of the concatenated embedding; undefined when one is unknown or has no such prefix. */
export function embeddingSegments(frame: SecurityFrame): EmbeddingSegment[] | undefined {
  const segments: EmbeddingSegment[] = [];
  let offsetBytes = 0;
  for (const { model, dims } of frameEmbeddingChoices(frame)) {
    const bits = embeddingBits(model, dims);
    const spec = embeddingModel(model);
    if (bits === undefined || !spec) return undefined;
    segments.push({ model, bits, offsetBytes, toleranceBits: Math.ceil((spec.verifyToleranceBits * bits) / spec.dims) });
    offsetBytes += bits / 8;
  }
  return segments;
}

/** Bits of the concatenated embedding a frame asks for; undefined for a frame naming an unknown model or size. */
export function frameEmbeddingBits(frame: SecurityFrame): number | undefined {
  const segments = embeddingSegments(frame);
  return segments?.reduce((sum, segment) => sum + segment.bits, 0);
}

/** The model names of a frame, in frame order. */
export function frameEmbeddingModels(frame: SecurityFrame): string[] {
  return frameEmbeddingChoices(frame).map((choice) => choice.model);
}

/** One model's bytes of a concatenated embedding. */
export function segmentBytes(embedding: Uint8Array, segment: EmbeddingSegment): Uint8Array {
  return embedding.subarray(segment.offsetBytes, segment.offsetBytes + segment.bits / 8);
}

/**
 * The meaning check of a frame's further models (their shape is checked with the rest of the frame):
 * each known, with a prefix it supports, none named twice (the first model included), and the
 * concatenated embedding within `LIMITS.embeddingBits`.
 */
export function checkExtraEmbeddingModels(frame: SecurityFrame, path: string): string | undefined {
  const extras = frame.extraEmbeddingModels;
  if (extras === undefined) return undefined;
  const seen = new Set([frame.embeddingModel]);
  for (const [i, { model, dims }] of extras.entries()) {
    const at = `${path}.extraEmbeddingModels[${i}]`;
    if (!embeddingModel(model)) return `${at}.model ${model} is not a known embedding model`;
    if (embeddingBits(model, dims) === undefined) return `${at}.dims ${dims} is not a Matryoshka size of ${model}`;
    if (seen.has(model)) return `${at}.model ${model} is named twice in the frame`;
    seen.add(model);
  }
  const bits = frameEmbeddingBits(frame)!;
  if (bits > LIMITS.embeddingBits) return `${path} asks for ${bits} embedding bits in all, more than ${LIMITS.embeddingBits}`;
  return undefined;
}

/**
 * Every byte length a concatenated embedding of 1..`maxModels` distinct models can have, up to
 * `maxBytes`: `sizesPerModel[i]` are model i's sizes (its Matryoshka prefixes). A packet-level bound;
 * the quorum checks the exact size its frame asks for.
 */
export function concatenatedEmbeddingBytes(sizesPerModel: readonly (readonly number[])[], maxModels: number, maxBytes: number): Set<number> {
  // Reachable (total, models used) pairs, one model at a time: each model adds one of its sizes or nothing.
  let reachable = new Map<number, number>([[0, 0]]);
  for (const sizes of sizesPerModel) {
    const next = new Map(reachable);
    for (const [total, used] of reachable) {
      if (used >= maxModels) continue;
      for (const size of sizes) {
        const sum = total + size;
        if (sum <= maxBytes && (next.get(sum) ?? Infinity) > used + 1) next.set(sum, used + 1);
      }
    }
    reachable = next;
  }
  reachable.delete(0);
  return new Set(reachable.keys());
}
