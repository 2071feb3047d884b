/**
 * Classical (Torgerson) multidimensional scaling to two dimensions: points whose Euclidean distances
 * approximate the given ones as well as two axes allow. Pure and deterministic (the same distances
 * give the same picture on every node), for the embedding-space picture of `<rakis-quorum>`.
 */
export interface Point2 {
  x: number;
  y: number;
}

const MAX_SWEEPS = 60;

/** `distances` is a symmetric n×n matrix with a zero diagonal. */
export function classicalMds(distances: readonly (readonly number[])[]): Point2[] {
  const n = distances.length;
  if (n === 0) return [];
  if (n === 1) return [{ x: 0, y: 0 }];
  const { values, vectors } = symmetricEigen(doubleCentre(distances));
  const order = values.map((_, k) => k).sort((a, b) => values[b]! - values[a]! || a - b);
  // Hamming distances are not Euclidean: negative eigenvalues carry no picture and count as zero.
  const [x, y] = order.slice(0, 2).map((k) => ({ scale: Math.sqrt(Math.max(0, values[k]!)), vector: fixSign(vectors.map((row) => row[k]!)) }));
  return Array.from({ length: n }, (_, i) => ({ x: x!.vector[i]! * x!.scale, y: y!.vector[i]! * y!.scale }));
}

/** B = -½ J D² J: the Gram matrix of centred points whose distances are D. */
export function doubleCentre(distances: readonly (readonly number[])[]): Float64Array[] {
  const n = distances.length;
  const squared = distances.map((row) => row.map((d) => d * d));
  const rowMeans = squared.map((row) => row.reduce((sum, v) => sum + v, 0) / n);
  const grandMean = rowMeans.reduce((sum, v) => sum + v, 0) / n;
  return squared.map((row, i) => Float64Array.from(row, (v, j) => -0.5 * (v - rowMeans[i]! - rowMeans[j]! + grandMean)));
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations: exact to rounding,
 * with no starting guess, so the same input always gives the same output. `vectors[i][k]` is entry
 * `i` of eigenvector `k`. O(n³) a sweep: reveal lists are small.
 */
export function symmetricEigen(matrix: readonly Float64Array[]): { values: number[]; vectors: Float64Array[] } {
  const n = matrix.length;
  const a = matrix.map((row) => Float64Array.from(row));
  const v = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const scale = a.reduce((sum, row) => sum + row.reduce((s, x) => s + x * x, 0), 0);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]!), vectors: v };
}

/** An eigenvector's sign is arbitrary; fixing it (largest entry positive) keeps pictures from flipping between updates. */
function fixSign(vector: number[]): number[] {
  let largest = 0;
  for (let i = 1; i < vector.length; i++) if (Math.abs(vector[i]!) > Math.abs(vector[largest]!) + 1e-12) largest = i;
  return vector[largest]! < 0 ? vector.map((value) => -value) : vector;
}
