import { describe, expect, test } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  binarize,
  decide,
  digestModulo,
  hammingDistance,
  normalizedHamming,
  radiusBits,
  requiredClusterSize,
  truncateBinary,
  unpackBits,
  type ConsensusPoint,
  type DecideInput,
} from '../../src/consensus/index.js';
import { bytesToHex, compareHex, concatBytes, hexToBytes } from '../../src/protocol/index.js';
import { flipBits, randomBytes, randomHex, seededRandom, shuffled } from '../../testkit/random.js';

function naiveHamming(a: Uint8Array, b: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < a.length * 8; i++) if (((a[i >> 3]! >> (7 - (i & 7))) & 1) !== ((b[i >> 3]! >> (7 - (i & 7))) & 1)) count++;
  return count;
}

function point(random: () => number, bEmbedding: Uint8Array, commitment = randomHex(random, 32)): ConsensusPoint {
  return { inferenceId: randomHex(random, 32), commitment, bEmbedding };
}

/** Sphere sizes by brute force, for checking the pruned search. */
function naiveSphereSizes(points: readonly ConsensusPoint[], radius: number): Map<string, number> {
  return new Map(
    points.map((p) => [p.inferenceId, points.filter((q) => naiveHamming(p.bEmbedding, q.bEmbedding) <= radius).length]),
  );
}

describe('binary embeddings', () => {
  test('sign bits pack most-significant first', () => {
    const values = [0.5, -1, 0, 2, -0.1, 3, 1e-9, -5, 1, 1, 1, 1, 1, 1, 1, -1];
    expect(Array.from(binarize(values))).toEqual([0b10010110, 0b11111110]);
    expect(Array.from(unpackBits(binarize(values)))).toEqual(values.map((v) => (v > 0 ? 1 : 0)));
  });
  test('Matryoshka: binarizing a prefix equals truncating the packed embedding', () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 768 }, () => random() - 0.5);
    for (const dims of [64, 128, 256, 512]) expect(binarize(values, dims)).toEqual(truncateBinary(binarize(values), dims));
    expect(() => binarize(values, 12)).toThrow(RangeError);
    expect(() => truncateBinary(binarize(values, 64), 128)).toThrow(RangeError);
  });
  test('Hamming distance matches a per-bit count for every length', () => {
    const random = seededRandom(2);
    for (let bytes = 1; bytes <= 100; bytes++) {
      const a = randomBytes(random, bytes);
      const b = randomBytes(random, bytes);
      expect(hammingDistance(a, b)).toBe(naiveHamming(a, b));
      expect(normalizedHamming(a, a)).toBe(0);
    }
    expect(normalizedHamming(Uint8Array.of(0), Uint8Array.of(255))).toBe(1);
    expect(() => hammingDistance(new Uint8Array(2), new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('thresholds', () => {
  test('are exact on integers, where floating point would round the wrong way', () => {
    expect(0.55 * 100).toBeGreaterThan(55);
    expect(requiredClusterSize(0.55, 100)).toBe(55);
    expect(requiredClusterSize(0.7, 10)).toBe(7);
    expect(requiredClusterSize(0.6, 5)).toBe(3);
    expect(requiredClusterSize(0.51, 3)).toBe(2);
    expect(requiredClusterSize(1, 9)).toBe(9);
    expect(radiusBits(0.1, 768)).toBe(76);
    expect(radiusBits(0.3, 10 * 8)).toBe(24);
    expect(radiusBits(0, 128)).toBe(0);
  });
});

describe('decide', () => {
  const random = seededRandom(3);
  const base = randomBytes(random, 16);
  const frame = { secDistance: 0.1, secPercentage: 0.6, bits: 128 }; // radius 12 bits

  test('counts exact cluster sizes on constructed embeddings', () => {
    const cluster = [0, 2, 4, 6].map((flips) => point(random, flipBits(random, base, flips)));
    const far = [point(random, randomBytes(random, 16)), point(random, base.map((b) => ~b & 0xff))];
    const result = decide({ ...frame, points: [...cluster, ...far], commitCount: 6 });
    expect(result.status).toBe('decided');
    if (result.status !== 'decided') return;
    expect(new Set(result.members)).toEqual(new Set(cluster.map((p) => p.inferenceId)));
    expect(new Set(result.outliers)).toEqual(new Set(far.map((p) => p.inferenceId)));
    expect(result.required).toBe(4);
    expect(result.sphereSizes).toEqual(naiveSphereSizes([...cluster, ...far], 12));
  });

  test('the pruned search equals brute force on clustered and random data', () => {
    const r = seededRandom(4);
    for (let trial = 0; trial < 60; trial++) {
      const bytes = [8, 16, 48, 96][trial % 4]!;
      const centres = Array.from({ length: 1 + (trial % 3) }, () => randomBytes(r, bytes));
      const points = Array.from({ length: 5 + Math.floor(r() * 60) }, () =>
        r() < 0.7 ? point(r, flipBits(r, centres[Math.floor(r() * centres.length)]!, Math.floor(r() * bytes * 8 * 0.3))) : point(r, randomBytes(r, bytes)),
      );
      const secDistance = [0, 0.05, 0.15, 0.3, 0.5][trial % 5]!;
      const result = decide({ points, commitCount: points.length, secDistance, secPercentage: 0.1, bits: bytes * 8 });
      expect(result.sphereSizes).toEqual(naiveSphereSizes(points, radiusBits(secDistance, bytes * 8)));
    }
  });

  test('is permutation invariant', () => {
    const r = seededRandom(5);
    const points = Array.from({ length: 30 }, (_, i) => point(r, i < 18 ? flipBits(r, base, Math.floor(r() * 10)) : randomBytes(r, 16)));
    const reference = decide({ ...frame, points, commitCount: 30 });
    expect(reference.status).toBe('decided');
    for (let i = 0; i < 50; i++) expect(decide({ ...frame, points: shuffled(r, points), commitCount: 30 })).toEqual(reference);
  });

  test('decides at exactly ceil(secPercentage × C) and fails one below', () => {
    const r = seededRandom(6);
    const cluster = Array.from({ length: 6 }, () => point(r, flipBits(r, base, 2)));
    const atThreshold = decide({ ...frame, points: cluster, commitCount: 10 }); // ceil(0.6 × 10) = 6
    expect(atThreshold).toMatchObject({ status: 'decided', required: 6 });
    const below = decide({ ...frame, points: cluster.slice(0, 5), commitCount: 10 });
    expect(below).toMatchObject({ status: 'failed', reason: 'cluster-too-small', bestClusterSize: 5, required: 6 });
  });

  test('withheld reveals count against agreement', () => {
    const r = seededRandom(7);
    const cluster = Array.from({ length: 3 }, () => point(r, flipBits(r, base, 1)));
    expect(decide({ ...frame, points: cluster, commitCount: 3 }).status).toBe('decided');
    expect(decide({ ...frame, points: cluster, commitCount: 6 }).status).toBe('failed');
  });

  test('a point exactly at secDistance is inside the sphere, one bit more is outside', () => {
    const r = seededRandom(8);
    const centre = point(r, base, '00'.repeat(32));
    const edge = point(r, flipBits(r, base, 12), '11'.repeat(32));
    const beyond = point(r, flipBits(r, base, 13), '22'.repeat(32));
    const result = decide({ ...frame, secPercentage: 0.3, points: [centre, edge, beyond], commitCount: 3 });
    expect(result.sphereSizes.get(centre.inferenceId)).toBe(2);
    expect(result.sphereSizes.get(beyond.inferenceId)).toBe(1);
  });

  test('ties go to the sphere whose centre has the lowest commitment', () => {
    const r = seededRandom(9);
    const other = base.map((b) => ~b & 0xff);
    const a = [point(r, base, 'ff'.repeat(32)), point(r, flipBits(r, base, 1), '50'.repeat(32))];
    const b = [point(r, other, '40'.repeat(32)), point(r, flipBits(r, other, 1), 'f0'.repeat(32))];
    const result = decide({ ...frame, secPercentage: 0.5, points: [...a, ...b], commitCount: 4 });
    expect(result).toMatchObject({ status: 'decided', centre: b[0]!.inferenceId });
  });

  test('the chosen answer is H(member commitments in order) mod members, big-endian', () => {
    const r = seededRandom(10);
    const members = Array.from({ length: 7 }, () => point(r, flipBits(r, base, 3)));
    const result = decide({ ...frame, points: members, commitCount: 7 });
    if (result.status !== 'decided') throw new Error('expected a decision');
    const ordered = [...members].sort((x, y) => compareHex(x.commitment, y.commitment));
    const digest = sha256(concatBytes(...ordered.map((m) => hexToBytes(m.commitment))));
    const index = Number(BigInt(`0x${bytesToHex(digest)}`) % 7n);
    expect(result.chosen).toBe(ordered[index]!.inferenceId);
    expect(digestModulo(digest, 7)).toBe(index);
  });

  test('says why it failed', () => {
    expect(decide({ ...frame, points: [], commitCount: 3 })).toMatchObject({ status: 'failed', reason: 'no-reveals' });
    expect(decide({ ...frame, points: [], commitCount: 3, rejectedCount: 3 })).toMatchObject({ status: 'failed', reason: 'all-rejected' });
    const r = seededRandom(11);
    const scattered = Array.from({ length: 5 }, () => point(r, randomBytes(r, 16)));
    const result = decide({ ...frame, points: scattered, commitCount: 5 });
    expect(result).toMatchObject({ status: 'failed', reason: 'cluster-too-small' });
    if (result.status === 'failed') expect(result.explanation).toMatch(/needed/);
  });

  test('deciding on a Matryoshka prefix equals deciding on truncated embeddings', () => {
    const r = seededRandom(12);
    const wide = randomBytes(r, 96);
    const points = Array.from({ length: 20 }, (_, i) => point(r, i < 12 ? flipBits(r, wide, Math.floor(r() * 40)) : randomBytes(r, 96)));
    const truncated = points.map((p) => ({ ...p, bEmbedding: truncateBinary(p.bEmbedding, 256) }));
    const input: DecideInput = { points: truncated, commitCount: 20, secDistance: 0.12, secPercentage: 0.55, bits: 256 };
    const result = decide(input);
    expect(result.sphereSizes).toEqual(naiveSphereSizes(truncated, radiusBits(0.12, 256)));
    expect(() => decide({ ...input, points })).toThrow(RangeError);
  });
});

describe('the honest-majority guarantee', () => {
  test('with secPercentage > 0.5 and at most floor((1-p)·C) adversaries, the pick is within 2·secDistance of an honest answer or the request fails', () => {
    const r = seededRandom(2024);
    let decided = 0;
    let failed = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = [16, 48, 96][trial % 3]!;
      const bits = bytes * 8;
      const secDistance = 0.05 + r() * 0.2;
      const secPercentage = 0.51 + r() * 0.45;
      const commitCount = 3 + Math.floor(r() * 30);
      const radius = radiusBits(secDistance, bits);
      const maxAdversaries = Math.floor((1 - secPercentage) * commitCount + 1e-9);
      const adversaries = Math.min(maxAdversaries, Math.floor(r() * (maxAdversaries + 1)));
      const honestRevealed = Math.floor(r() * (commitCount - adversaries + 1)); // the rest withheld their reveal
      const centre = randomBytes(r, bytes);
      // A tight honest cluster: every honest point within radius/2 of the centre, so within radius of each other.
      const honest = Array.from({ length: honestRevealed }, () => point(r, flipBits(r, centre, Math.floor(r() * (radius / 2 + 1)))));
      const adversarial = Array.from({ length: adversaries }, () => {
        const mode = r();
        // Far away, or placed deliberately near the sphere's edge, or clustered together elsewhere.
        if (mode < 0.3) return point(r, randomBytes(r, bytes));
        if (mode < 0.7) return point(r, flipBits(r, centre, radius + 1 + Math.floor(r() * radius)));
        return point(r, flipBits(r, centre.map((b) => ~b & 0xff), Math.floor(r() * 3)));
      });
      const result = decide({ points: shuffled(r, [...honest, ...adversarial]), commitCount, secDistance, secPercentage, bits });
      if (result.status === 'failed') {
        failed++;
        continue;
      }
      decided++;
      const chosen = [...honest, ...adversarial].find((p) => p.inferenceId === result.chosen)!;
      const nearestHonest = Math.min(...honest.map((h) => hammingDistance(h.bEmbedding, chosen.bEmbedding)));
      expect(nearestHonest, `trial ${trial}`).toBeLessThanOrEqual(2 * radius);
    }
    // Both branches are exercised.
    expect(decided).toBeGreaterThan(500);
    expect(failed).toBeGreaterThan(100);
  });
});
