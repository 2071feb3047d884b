import { distancesToPivot } from './pivot.js';
import { withinRadiusKernel, type WithinRadiusKernel } from './within-radius-kernel.js';

/**
 * For each row of a packed word matrix, the number of rows (itself included) within `radius` bits.
 * Exact, with two prunings by the triangle inequality around a pivot row p, after ordering rows by
 * their distance to it:
 * - rows i, j with d(i,p) + d(j,p) <= radius are within the radius of each other: counted without comparing;
 * - rows with |d(i,p) - d(j,p)| > radius cannot be: never visited.
 * Only the pairs in between are compared, 128 bits at a time, stopping once past the radius: in
 * WebAssembly SIMD (`kernel`, within-radius.wat) where the platform allows it, else in JavaScript.
 */
export function sphereCounts(
  words: Uint32Array,
  wordsPerRow: number,
  rows: number,
  radius: number,
  kernel: WithinRadiusKernel | null = withinRadiusKernel(),
): Uint32Array {
  const pivotDistances = distancesToPivot(words, wordsPerRow, rows, radius >> 1);
  const order = orderByDistance(pivotDistances, wordsPerRow * 32);
  const sorted = Int32Array.from(order, (row) => pivotDistances[row]!);
  const stride = Math.ceil(wordsPerRow / BLOCK_WORDS) * BLOCK_WORDS;
  // The matrix and the counts live in the kernel's memory when there is one, so nothing is copied twice.
  const matrixWords = rows * stride;
  const buffer = kernel ? kernel.reserve((matrixWords + rows) * 4) : new ArrayBuffer((matrixWords + rows) * 4);
  const matrix = new Uint32Array(buffer, 0, matrixWords);
  blockedRows(words, wordsPerRow, order, matrix, stride);
  // counts and the difference array are indexed by position in `order`.
  const counts = new Uint32Array(buffer, matrixWords * 4, rows).fill(1);
  const bulkAdds = new Int32Array(rows + 1);
  let autoEnd = rows - 1;
  let windowEnd = 0;
  for (let a = 0; a < rows; a++) {
    while (autoEnd >= 0 && sorted[autoEnd]! + sorted[a]! > radius) autoEnd--;
    if (windowEnd < a) windowEnd = a;
    while (windowEnd + 1 < rows && sorted[windowEnd + 1]! - sorted[a]! <= radius) windowEnd++;
    if (autoEnd > a) {
      counts[a]! += autoEnd - a;
      bulkAdds[a + 1]!++;
      bulkAdds[autoEnd + 1]!--;
    }
    const first = Math.max(a, autoEnd) + 1;
    if (kernel) {
      if (first <= windowEnd) counts[a]! += kernel.countWithin(a, first, windowEnd + 1, stride * 4, radius, matrixWords * 4);
      continue;
    }
    const offsetA = a * stride;
    for (let b = first; b <= windowEnd; b++) {
      if (withinRadius(matrix, offsetA, b * stride, stride, radius)) {
        counts[a]!++;
        counts[b]!++;
      }
    }
  }
  const byRow = new Uint32Array(rows);
  let running = 0;
  for (let position = 0; position < rows; position++) {
    running += bulkAdds[position]!;
    byRow[order[position]!] = counts[position]! + running;
  }
  return byRow;
}

/**
 * Whether two rows of a blocked matrix differ in at most `radius` bits. A SWAR popcount that adds the
 * 4-bit partial counts of word pairs before widening and sums a block's bytes with one multiply, so
 * the early exit is checked once per 128 bits.
 */
function withinRadius(matrix: Uint32Array, offsetA: number, offsetB: number, stride: number, radius: number): boolean {
  let distance = 0;
  for (let w = 0; w < stride; w += BLOCK_WORDS) {
    let x = matrix[offsetA + w]! ^ matrix[offsetB + w]!;
    let y = matrix[offsetA + w + 1]! ^ matrix[offsetB + w + 1]!;
    x = (x - ((x >>> 1) & 0x55555555)) | 0;
    y = (y - ((y >>> 1) & 0x55555555)) | 0;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333) + (y & 0x33333333) + ((y >>> 2) & 0x33333333);
    let bytes = (x & 0x0f0f0f0f) + ((x >>> 4) & 0x0f0f0f0f);
    x = matrix[offsetA + w + 2]! ^ matrix[offsetB + w + 2]!;
    y = matrix[offsetA + w + 3]! ^ matrix[offsetB + w + 3]!;
    x = (x - ((x >>> 1) & 0x55555555)) | 0;
    y = (y - ((y >>> 1) & 0x55555555)) | 0;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333) + (y & 0x33333333) + ((y >>> 2) & 0x33333333);
    bytes += (x & 0x0f0f0f0f) + ((x >>> 4) & 0x0f0f0f0f);
    distance += Math.imul(bytes, 0x01010101) >>> 24;
    if (distance > radius) return false;
  }
  return true;
}

const BLOCK_WORDS = 4;

/** The rows in `order` into `matrix`, each zero-padded to whole blocks (zeros add no distance), so the scan reads memory in sequence. */
function blockedRows(words: Uint32Array, wordsPerRow: number, order: Int32Array, matrix: Uint32Array, stride: number): void {
  // The kernel's memory is reused between calls: the padding must be zeroed again.
  if (stride !== wordsPerRow) matrix.fill(0);
  for (let position = 0; position < order.length; position++) {
    const from = order[position]! * wordsPerRow;
    matrix.set(words.subarray(from, from + wordsPerRow), position * stride);
  }
}

/** Row indices by ascending distance (a stable counting sort: distances are small integers). */
function orderByDistance(distances: Int32Array, maxDistance: number): Int32Array {
  const starts = new Int32Array(maxDistance + 2);
  for (const distance of distances) starts[distance + 1]!++;
  for (let d = 1; d < starts.length; d++) starts[d]! += starts[d - 1]!;
  const order = new Int32Array(distances.length);
  for (let row = 0; row < distances.length; row++) order[starts[distances[row]!]!++] = row;
  return order;
}
