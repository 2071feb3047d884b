import { popcount32, rowDistance } from './hamming.js';

const CANDIDATES = 16;
const SAMPLE = 128;

/**
 * Distances from every row to a pivot for the triangle-inequality pruning. The pivot need not be a
 * row: it is the bitwise majority of the sampled rows within `near` bits of the most central of a few
 * candidate rows (the one with the most such neighbours). Inside a dense cluster that majority lies
 * near the cluster's middle, so d(i,p) + d(j,p) settles most pairs of members without comparing them.
 * Any pivot keeps the counts exact; a central one only makes the search cheaper.
 */
export function distancesToPivot(words: Uint32Array, wordsPerRow: number, rows: number, near: number): Int32Array {
  const sampleStep = Math.max(1, Math.floor(rows / SAMPLE));
  const candidateStep = Math.max(1, Math.floor(rows / CANDIDATES));
  let neighbours: number[] = [];
  for (let candidate = 0; candidate < rows; candidate += candidateStep) {
    const found: number[] = [];
    for (let row = 0; row < rows; row += sampleStep) {
      if (rowDistance(words, wordsPerRow, candidate, row, near) <= near) found.push(row);
    }
    if (found.length > neighbours.length) neighbours = found;
  }
  const pivot = majority(words, wordsPerRow, neighbours);
  const distances = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    let distance = 0;
    for (let w = 0; w < wordsPerRow; w++) distance += popcount32(words[row * wordsPerRow + w]! ^ pivot[w]!);
    distances[row] = distance;
  }
  return distances;
}

/** Each bit set when more than half of `rows` have it set. */
function majority(words: Uint32Array, wordsPerRow: number, rows: readonly number[]): Uint32Array {
  const pivot = new Uint32Array(wordsPerRow);
  const ones = new Uint32Array(32);
  for (let w = 0; w < wordsPerRow; w++) {
    ones.fill(0);
    for (const row of rows) {
      const word = words[row * wordsPerRow + w]!;
      for (let bit = 0; bit < 32; bit++) ones[bit]! += (word >>> bit) & 1;
    }
    let word = 0;
    for (let bit = 0; bit < 32; bit++) if (ones[bit]! * 2 > rows.length) word |= 1 << bit;
    pivot[w] = word >>> 0;
  }
  return pivot;
}
