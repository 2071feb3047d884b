/**
 * Hamming distance over packed binary embeddings, a 32-bit word at a time with a SWAR popcount
 * (no per-bit loops, no lookup tables).
 */

export function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Copies equal-length packed embeddings into one zero-padded word matrix (row i = embedding i),
 * so distances run over aligned 32-bit words whatever the byte length.
 */
export function packWords(embeddings: readonly Uint8Array[]): { words: Uint32Array; wordsPerRow: number } {
  const bytes = embeddings[0]?.length ?? 0;
  const wordsPerRow = Math.ceil(bytes / 4);
  const buffer = new Uint8Array(embeddings.length * wordsPerRow * 4);
  embeddings.forEach((embedding, i) => {
    if (embedding.length !== bytes) throw new RangeError(`embedding ${i} has ${embedding.length} bytes, expected ${bytes}`);
    buffer.set(embedding, i * wordsPerRow * 4);
  });
  return { words: new Uint32Array(buffer.buffer), wordsPerRow };
}

/** Differing bits between rows `a` and `b`, stopping early (returning limit + 1) once `limit` is passed. */
export function rowDistance(words: Uint32Array, wordsPerRow: number, a: number, b: number, limit = Infinity): number {
  let distance = 0;
  const offsetA = a * wordsPerRow;
  const offsetB = b * wordsPerRow;
  for (let w = 0; w < wordsPerRow; w++) {
    distance += popcount32(words[offsetA + w]! ^ words[offsetB + w]!);
    if (distance > limit) return limit + 1;
  }
  return distance;
}

/** Number of differing bits between two packed embeddings of equal length. */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length}-byte and ${b.length}-byte embeddings`);
  const { words, wordsPerRow } = packWords([a, b]);
  return rowDistance(words, wordsPerRow, 0, 1);
}

/** Hamming distance divided by the number of bits: 0 (identical) .. 1 (complementary). */
export function normalizedHamming(a: Uint8Array, b: Uint8Array): number {
  return a.length === 0 ? 0 : hammingDistance(a, b) / (a.length * 8);
}
