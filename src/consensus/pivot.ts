import { rowDistance } from './hamming.js';

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
  const sampleStep = Math.max(1, Math.ceil(rows / SAMPLE));
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
    const offset = row * wordsPerRow;
    let distance = 0;
    // Inlined SWAR popcount: measured several times faster here than calling popcount32.
    for (let w = 0; w < wordsPerRow; w++) {
      let x = words[offset + w]! ^ pivot[w]!;
      x = (x - ((x >>> 1) & 0x55555555)) | 0;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      distance += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    distances[row] = distance;
  }
  return distances;
}

/** Each bit set when more than half of `rows` (at most SAMPLE, so each count fits a byte) have it set. */
function majority(words: Uint32Array, wordsPerRow: number, rows: readonly number[]): Uint32Array {
  const pivot = new Uint32Array(wordsPerRow);
  // Lane k counts, in its byte j, the rows with bit 8j + k set: eight adds per word instead of 32.
  const lanes = new Uint32Array(8);
  for (let w = 0; w < wordsPerRow; w++) {
    lanes.fill(0);
    for (const row of rows) {
      const word = words[row * wordsPerRow + w]!;
      for (let k = 0; k < 8; k++) lanes[k]! += (word >>> k) & 0x01010101;
    }
    let word = 0;
    for (let k = 0; k < 8; k++) {
      for (let j = 0; j < 32; j += 8) if (((lanes[k]! >>> j) & 0xff) * 2 > rows.length) word |= 1 << (j + k);
    }
    pivot[w] = word >>> 0;
  }
  return pivot;
}
