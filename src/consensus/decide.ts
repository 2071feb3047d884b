import { compareHex, computeListHash, hashDigests } from '../protocol/index.js';
import { everyModelSphereCounts, rowsPerModel, withinEveryModel } from './every-model.js';
import { packWords, rowDistance } from './hamming.js';
import { sphereCounts } from './sphere-counts.js';
import { radiusBits, requiredClusterSize } from './thresholds.js';

/** One verified reveal: its ids and the binary embedding every deciding node agrees it has. */
export interface ConsensusPoint {
  inferenceId: string;
  commitment: string;
  bEmbedding: Uint8Array;
}

export interface DecideInput {
  /** Verified reveals (order does not matter). */
  points: readonly ConsensusPoint[];
  /** `C`: commits in the fixed reveal list; withheld and rejected reveals count against agreement. */
  commitCount: number;
  /** Reveals that were received but rejected (mismatched commitment or embedding). */
  rejectedCount?: number;
  secDistance: number;
  secPercentage: number;
  /** Bits per embedding (all points must have `bits / 8` bytes). */
  bits: number;
  /**
   * With several embedding models: the bits of each model's embedding, in frame order (summing to
   * `bits`; each point's `bEmbedding` is their concatenation). A point is then within a sphere only if
   * it is within `secDistance` of the centre in every model. Absent or one entry: one model.
   */
  segmentBits?: readonly number[];
}

export type ConsensusFailure = 'no-reveals' | 'all-rejected' | 'cluster-too-small';

interface Common {
  commitCount: number;
  /** `ceil(secPercentage × C)`. */
  required: number;
  /** Sphere radius in bits (`secDistance` on this embedding size; with several models, the sum of theirs). */
  radiusBits: number;
  /** With several models: each model's radius in its own bits, in frame order. */
  modelRadiiBits?: number[];
  /** For every point, how many points (itself included) lie within the radius of it. */
  sphereSizes: ReadonlyMap<string, number>;
}

export type ConsensusResult =
  | (Common & {
      status: 'decided';
      /** The sphere's centre: the point with the most neighbours, lowest commitment on ties. */
      centre: string;
      /** The agreeing cluster, in commitment order. */
      members: string[];
      /** Verified points outside the sphere. */
      outliers: string[];
      chosen: string;
    })
  | (Common & {
      status: 'failed';
      reason: ConsensusFailure;
      /** The largest sphere found (0 when there were no points). */
      bestClusterSize: number;
      explanation: string;
    });

/**
 * The densest-sphere decision. Points are first put in commitment order, so the result does not
 * depend on the order they arrived in. For each point, count the points within `radiusBits` of it;
 * the largest sphere wins, ties going to the lowest centre commitment. It must hold at least
 * `ceil(secPercentage × C)` points. The chosen answer is member number
 * `H(member commitments in order) mod members`, the digest read as a big-endian unsigned integer.
 * With several embedding models (`segmentBits`), "within" means within each model's own radius in
 * that model's bits, for every model at once.
 */
export function decide(input: DecideInput): ConsensusResult {
  const { commitCount, bits } = input;
  if (bits <= 0 || bits % 8 !== 0) throw new RangeError(`bits must be a positive multiple of 8, got ${bits}`);
  const segments = input.segmentBits && input.segmentBits.length > 1 ? input.segmentBits : undefined;
  if (segments && (segments.some((segment) => segment <= 0 || segment % 8 !== 0) || segments.reduce((sum, segment) => sum + segment, 0) !== bits)) {
    throw new RangeError(`segment bits ${segments.join('+')} must be positive multiples of 8 summing to ${bits}`);
  }
  const modelRadii = segments?.map((segment) => radiusBits(input.secDistance, segment));
  const radius = modelRadii ? modelRadii.reduce((sum, r) => sum + r, 0) : radiusBits(input.secDistance, bits);
  const required = requiredClusterSize(input.secPercentage, commitCount);
  const points = [...input.points].sort((a, b) => compareHex(a.commitment, b.commitment));
  for (const point of points) {
    if (point.bEmbedding.length * 8 !== bits) {
      throw new RangeError(`point ${point.inferenceId} has ${point.bEmbedding.length * 8} bits, expected ${bits}`);
    }
  }
  const common = { commitCount, required, radiusBits: radius, ...(modelRadii ? { modelRadiiBits: modelRadii } : {}) };

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

  const embeddings = points.map((point) => point.bEmbedding);
  const { counts, within: inSphere } = segments ? everyModel(embeddings, segments, input.secDistance) : oneModel(embeddings, radius);
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
    const within = i === centre || inSphere(centre, i);
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

interface Spheres {
  counts: Uint32Array;
  /** Whether row `b` lies in the sphere around row `a`. */
  within: (a: number, b: number) => boolean;
}

function oneModel(embeddings: Uint8Array[], radius: number): Spheres {
  const { words, wordsPerRow } = packWords(embeddings);
  return {
    counts: sphereCounts(words, wordsPerRow, embeddings.length, radius),
    within: (a, b) => rowDistance(words, wordsPerRow, a, b, radius) <= radius,
  };
}

function everyModel(embeddings: Uint8Array[], segmentBits: readonly number[], secDistance: number): Spheres {
  const models = rowsPerModel(embeddings, segmentBits, secDistance);
  return { counts: everyModelSphereCounts(models, embeddings.length), within: (a, b) => withinEveryModel(models, a, b) };
}

/** A digest as a big-endian unsigned integer, modulo `modulus` (Horner's rule, exact for any modulus < 2^44). */
export function digestModulo(digest: Uint8Array, modulus: number): number {
  let remainder = 0;
  for (const byte of digest) remainder = (remainder * 256 + byte) % modulus;
  return remainder;
}

/** The list hash of a set of commitments, in the protocol's order. */
export function listHashOf(commitments: readonly string[]): string {
  return computeListHash([...commitments].sort(compareHex));
}
