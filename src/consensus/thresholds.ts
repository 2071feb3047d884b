/**
 * Frame values are decimals on the wire; comparisons are done on integers so every node, in every
 * engine, draws the line at the same bit. Both values are read at a resolution of 1/10000.
 */
const SCALE = 10_000;

/** Largest Hamming distance, in bits, that is still `<= secDistance` for `bits`-bit embeddings. */
export function radiusBits(secDistance: number, bits: number): number {
  return Math.floor((Math.round(secDistance * SCALE) * bits) / SCALE);
}

/** `ceil(secPercentage × commitCount)`, computed exactly. */
export function requiredClusterSize(secPercentage: number, commitCount: number): number {
  const basisPoints = Math.round(secPercentage * SCALE);
  return Math.floor((basisPoints * commitCount + SCALE - 1) / SCALE);
}
