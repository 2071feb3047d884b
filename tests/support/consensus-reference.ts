import { digestModulo, hammingDistance, packWords, rowDistance, radiusBits, requiredClusterSize } from '../../src/consensus/index.js';
import type { ConsensusPoint, ConsensusResult, DecideInput } from '../../src/consensus/index.js';
import { compareHex, hashDigests } from '../../src/protocol/index.js';

/*
 * The decision as it was before the blocked-popcount search (commit d17b22c), kept verbatim as the
 * reference the property test holds `decide` to: same result, byte for byte, on every input.
 */

/**
 * The densest-sphere decision. Points are first put in commitment order, so the result does not
 * depend on the order they arrived in. For each point, count the points within `radiusBits` of it;
 * the largest sphere wins, ties going to the lowest centre commitment. It must hold at least
 * `ceil(secPercentage × C)` points. The chosen answer is member number
 * `H(member commitments in order) mod members`, the digest read as a big-endian unsigned integer.
 */
export function referenceDecide(input: DecideInput): ConsensusResult {
  const { commitCount, bits } = input;
  if (bits <= 0 || bits % 8 !== 0) throw new RangeError(`bits must be a positive multiple of 8, got ${bits}`);
  const radius = radiusBits(input.secDistance, bits);
  const required = requiredClusterSize(input.secPercentage, commitCount);
  const points = [...input.points].sort((a, b) => compareHex(a.commitment, b.commitment));
  for (const point of points) {
    if (point.bEmbedding.length * 8 !== bits) {
      throw new RangeError(`point ${point.inferenceId} has ${point.bEmbedding.length * 8} bits, expected ${bits}`);
    }
  }
  const common = { commitCount, required, radiusBits: radius };

  if (points.length === 0) {
    const rejected = input.rejectedCount ?? 0;
    return {
      ...common,
      status: 'failed',
      reason: rejected > 0 ? 'all-rejected' : 'no-reveals',
      bestClusterSize: 0,
      sphereSizes: new Map(),
      explanation:
        rejected > 0 ? `all ${rejected} reveals were rejected` : `none of the ${commitCount} committers revealed`,
    };
  }

  const { words, wordsPerRow } = packWords(points.map((point) => point.bEmbedding));
  const counts = sphereCounts(words, wordsPerRow, points.length, radius);
  let centre = 0;
  for (let i = 1; i < points.length; i++) if (counts[i]! > counts[centre]!) centre = i;
  const sphereSizes = new Map(points.map((point, i) => [point.inferenceId, counts[i]!]));
  const best = counts[centre]!;

  if (best < required) {
    return {
      ...common,
      status: 'failed',
      reason: 'cluster-too-small',
      bestClusterSize: best,
      sphereSizes,
      explanation: `the largest agreeing group has ${best} of ${commitCount} commits; ${required} needed`,
    };
  }

  const members: ConsensusPoint[] = [];
  const outliers: string[] = [];
  for (let i = 0; i < points.length; i++) {
    const within = i === centre || rowDistance(words, wordsPerRow, centre, i, radius) <= radius;
    if (within) members.push(points[i]!);
    else outliers.push(points[i]!.inferenceId);
  }
  const pick = digestModulo(hashDigests(members.map((member) => member.commitment)), members.length);
  return {
    ...common,
    status: 'decided',
    centre: points[centre]!.inferenceId,
    members: members.map((member) => member.inferenceId),
    outliers,
    chosen: members[pick]!.inferenceId,
    sphereSizes,
  };
}

/**
 * For each row, the number of rows (itself included) within `radius` bits. Exact, with two prunings
 * by the triangle inequality around a pivot row p, after ordering rows by their distance to it:
 * - rows i, j with d(i,p) + d(j,p) <= radius are within the radius of each other: counted without comparing;
 * - rows with |d(i,p) - d(j,p)| > radius cannot be: never visited.
 * Only the pairs in between are compared, word by word, stopping once past the radius. The pivot is
 * the most central of a few sampled rows, which lands it inside the dense cluster when there is one.
 */
function sphereCounts(words: Uint32Array, wordsPerRow: number, rows: number, radius: number): Uint32Array {
  const pivotDistances = distancesToPivot(words, wordsPerRow, rows, radius);
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => pivotDistances[a]! - pivotDistances[b]!);
  const sorted = Int32Array.from(order, (row) => pivotDistances[row]!);
  // counts and the difference array are indexed by position in `order`.
  const counts = new Uint32Array(rows).fill(1);
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
    const offsetA = order[a]! * wordsPerRow;
    for (let b = Math.max(a, autoEnd) + 1; b <= windowEnd; b++) {
      const offsetB = order[b]! * wordsPerRow;
      let distance = 0;
      for (let w = 0; w < wordsPerRow && distance <= radius; w++) {
        let x = words[offsetA + w]! ^ words[offsetB + w]!;
        x -= (x >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        distance += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
      }
      if (distance <= radius) {
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

const PIVOT_CANDIDATES = 16;

/**
 * Distances from every row to a pivot: of a few evenly spaced candidate rows, the one with the most
 * rows within half the radius (central points have the most close neighbours), which keeps the
 * triangle bounds tight for the cluster around it.
 */
function distancesToPivot(words: Uint32Array, wordsPerRow: number, rows: number, radius: number): Int32Array {
  const halfRadius = radius >> 1;
  let pivot = 0;
  let pivotNeighbours = -1;
  const step = Math.max(1, Math.floor(rows / PIVOT_CANDIDATES));
  for (let candidate = 0; candidate < rows; candidate += step) {
    let neighbours = 0;
    for (let row = 0; row < rows; row++) {
      if (rowDistance(words, wordsPerRow, candidate, row, halfRadius) <= halfRadius) neighbours++;
    }
    if (neighbours > pivotNeighbours) [pivot, pivotNeighbours] = [candidate, neighbours];
  }
  return Int32Array.from({ length: rows }, (_, row) => rowDistance(words, wordsPerRow, pivot, row));
}

/**
 * The decision with several embedding models, written the plain way to hold `decide` to: every pair
 * compared in every model by `hammingDistance` over the model's slice, a point within a sphere only if
 * within the model's radius in every model. Sorting, required size, tie-break and pick as above.
 */
export function referenceDecideEveryModel(input: DecideInput & { segmentBits: readonly number[] }): ConsensusResult {
  const { commitCount, bits, segmentBits } = input;
  const radii = segmentBits.map((segment) => radiusBits(input.secDistance, segment));
  const required = requiredClusterSize(input.secPercentage, commitCount);
  const points = [...input.points].sort((a, b) => compareHex(a.commitment, b.commitment));
  const common = { commitCount, required, radiusBits: radii.reduce((sum, r) => sum + r, 0), modelRadiiBits: radii };
  if (points.length === 0) {
    const rejected = input.rejectedCount ?? 0;
    return {
      ...common,
      status: 'failed',
      reason: rejected > 0 ? 'all-rejected' : 'no-reveals',
      bestClusterSize: 0,
      sphereSizes: new Map(),
      explanation: rejected > 0 ? `all ${rejected} reveals were rejected` : `none of the ${commitCount} committers revealed`,
    };
  }
  if (segmentBits.reduce((sum, segment) => sum + segment, 0) !== bits) throw new RangeError('segments must sum to bits');
  const slices = (point: ConsensusPoint) => {
    let offset = 0;
    return segmentBits.map((segment) => point.bEmbedding.subarray(offset, (offset += segment / 8)));
  };
  const sliced = points.map(slices);
  const within = (a: number, b: number) => radii.every((radius, m) => hammingDistance(sliced[a]![m]!, sliced[b]![m]!) <= radius);
  const counts = points.map((_, a) => points.filter((__, b) => within(a, b)).length);
  let centre = 0;
  for (let i = 1; i < points.length; i++) if (counts[i]! > counts[centre]!) centre = i;
  const sphereSizes = new Map(points.map((point, i) => [point.inferenceId, counts[i]!]));
  const best = counts[centre]!;
  if (best < required) {
    return {
      ...common,
      status: 'failed',
      reason: 'cluster-too-small',
      bestClusterSize: best,
      sphereSizes,
      explanation: `the largest agreeing group has ${best} of ${commitCount} commits; ${required} needed`,
    };
  }
  const members = points.filter((_, i) => within(centre, i));
  const pick = digestModulo(hashDigests(members.map((member) => member.commitment)), members.length);
  return {
    ...common,
    status: 'decided',
    centre: points[centre]!.inferenceId,
    members: members.map((member) => member.inferenceId),
    outliers: points.filter((_, i) => !within(centre, i)).map((point) => point.inferenceId),
    chosen: members[pick]!.inferenceId,
    sphereSizes,
  };
}
