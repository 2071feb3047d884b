import { packWords, rowDistance } from './hamming.js';
import { radiusBits } from './thresholds.js';

/** One model's part of every point: its packed rows and the radius in its own bits. */
export interface ModelRows {
  words: Uint32Array;
  wordsPerRow: number;
  radius: number;
}

/**
 * Splits concatenated embeddings (one per model, `segmentBits` in frame order) into one packed matrix
 * per model, each with the radius `secDistance` gives on that model's size.
 */
export function rowsPerModel(embeddings: readonly Uint8Array[], segmentBits: readonly number[], secDistance: number): ModelRows[] {
  let offset = 0;
  return segmentBits.map((bits) => {
    const start = offset;
    offset += bits / 8;
    const { words, wordsPerRow } = packWords(embeddings.map((embedding) => embedding.subarray(start, start + bits / 8)));
    return { words, wordsPerRow, radius: radiusBits(secDistance, bits) };
  });
}

/** Whether rows `a` and `b` are within the radius in every model. */
export function withinEveryModel(models: readonly ModelRows[], a: number, b: number): boolean {
  return models.every(({ words, wordsPerRow, radius }) => rowDistance(words, wordsPerRow, a, b, radius) <= radius);
}

/**
 * For each row, the rows (itself included) within the radius in every model. Every pair is compared
 * (the triangle pruning of a single model does not carry over to an intersection of spheres); each
 * comparison stops at the first model past its radius. 512 points and two models: 131k pairs.
 */
export function everyModelSphereCounts(models: readonly ModelRows[], rows: number): Uint32Array {
  const counts = new Uint32Array(rows).fill(1);
  for (let a = 0; a < rows; a++) {
    for (let b = a + 1; b < rows; b++) {
      if (withinEveryModel(models, a, b)) {
        counts[a]!++;
        counts[b]!++;
      }
    }
  }
  return counts;
}
