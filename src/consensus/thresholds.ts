import { FRAME_RESOLUTION as SCALE } from '../protocol/limits.js';

/** Largest Hamming distance, in bits, that is still `<= secDistance` for `bits`-bit embeddings. */
export function radiusBits(secDistance: number, bits: number): number {
  return Math.floor((Math.round(secDistance * SCALE) * bits) / SCALE);
}

/** `ceil(secPercentage × commitCount)`, computed exactly. */
export function requiredClusterSize(secPercentage: number, commitCount: number): number {
  const basisPoints = Math.round(secPercentage * SCALE);
  return Math.floor((basisPoints * commitCount + SCALE - 1) / SCALE);
}
