import { describe, expect, test } from 'vitest';
import { decide, type ConsensusPoint, type ConsensusResult, type DecideInput } from '../../src/consensus/index.js';
import { referenceDecide, referenceDecideEveryModel } from '../support/consensus-reference.js';
import { flipBits, randomBytes, randomHex, seededRandom, shuffled } from '../../testkit/random.js';

/** Every field, with the sphere sizes in their insertion order, so "equal" means byte for byte. */
function serialized(result: ConsensusResult): string {
  return JSON.stringify({ ...result, sphereSizes: [...result.sphereSizes] });
}

function expectSameAsReference(input: DecideInput): void {
  expect(serialized(decide(input))).toBe(serialized(referenceDecide(input)));
}

const BITS = [8, 16, 24, 40, 64, 96, 128, 136, 256, 392, 768];

type Shape = 'clusters' | 'identical' | 'far' | 'random' | 'duplicates';
const SHAPES: Shape[] = ['clusters', 'identical', 'far', 'random', 'duplicates'];

function embeddings(random: () => number, shape: Shape, n: number, bytes: number): Uint8Array[] {
  const bits = bytes * 8;
  const bases = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomBytes(random, bytes));
  return Array.from({ length: n }, (_, i) => {
    switch (shape) {
      case 'identical':
        return bases[0]!.slice();
      case 'far':
        // Alternate a base and its complement: every pair is either identical or as far apart as possible.
        return i % 2 === 0 ? bases[0]!.slice() : bases[0]!.map((byte) => byte ^ 0xff);
      case 'random':
        return randomBytes(random, bytes);
      case 'duplicates':
        return bases[i % bases.length]!.slice();
      case 'clusters':
        return random() < 0.7
          ? flipBits(random, bases[Math.floor(random() * bases.length)]!, Math.floor(random() * bits * 0.2))
          : randomBytes(random, bytes);
    }
  });
}

/** Radii that matter: none, all, typical, and fractions landing exactly on a bit count. */
function secDistance(random: () => number, bits: number): number {
  const pick = random();
  if (pick < 0.15) return 0;
  if (pick < 0.25) return 1;
  if (pick < 0.5) return Math.floor(random() * bits) / bits;
  return Math.round(random() * 4000) / 10000;
}

function randomInput(seed: number, n: number): DecideInput {
  const random = seededRandom(seed);
  const bits = BITS[Math.floor(random() * BITS.length)]!;
  const shape = SHAPES[Math.floor(random() * SHAPES.length)]!;
  const points: ConsensusPoint[] = embeddings(random, shape, n, bits / 8).map((bEmbedding) => ({
    inferenceId: randomHex(random, 32),
    commitment: randomHex(random, 32),
    bEmbedding,
  }));
  return {
    points: shuffled(random, points),
    commitCount: n + Math.floor(random() * 3),
    rejectedCount: Math.floor(random() * 2),
    secDistance: secDistance(random, bits),
    secPercentage: Math.round(random() * 10000) / 10000,
    bits,
  };
}

describe('decide matches the reference implementation byte for byte', () => {
  test('on thousands of small random inputs (clusters, duplicates, identical, far, random; radius 0 to max)', () => {
    for (let seed = 1; seed <= 3000; seed++) expectSameAsReference(randomInput(seed, seed % 40));
  });

  test('on larger inputs, where the pivot pruning does most of the work', () => {
    for (let seed = 1; seed <= 40; seed++) expectSameAsReference(randomInput(10_000 + seed, 100 + ((seed * 37) % 400)));
  });

  test('on edge cases: no points, one point, all identical, all far, ties broken by commitment', () => {
    const random = seededRandom(7);
    const at = (bEmbedding: Uint8Array, commitment = randomHex(random, 32)): ConsensusPoint => ({
      inferenceId: randomHex(random, 32),
      commitment,
      bEmbedding,
    });
    const frame = { secPercentage: 0.5, bits: 768 };
    const base = randomBytes(random, 96);
    const complement = base.map((byte) => byte ^ 0xff);
    const cases: DecideInput[] = [
      { ...frame, points: [], commitCount: 3, rejectedCount: 2, secDistance: 0.1 },
      { ...frame, points: [], commitCount: 3, secDistance: 0.1 },
      { ...frame, points: [at(base)], commitCount: 1, secDistance: 0 },
      { ...frame, points: [at(base)], commitCount: 1, secDistance: 1 },
      { ...frame, points: Array.from({ length: 50 }, () => at(base)), commitCount: 50, secDistance: 0 },
      { ...frame, points: Array.from({ length: 50 }, () => at(base)), commitCount: 60, secDistance: 1 },
      { ...frame, points: [at(base), at(complement)], commitCount: 2, secDistance: 0.999 },
      { ...frame, points: [at(base), at(complement)], commitCount: 2, secDistance: 1 },
      // Two equal-sized groups: the tie goes to the lowest commitment, whichever group it is in.
      { ...frame, points: [at(base, 'ff'.repeat(32)), at(base), at(complement, '00'.repeat(32)), at(complement)], commitCount: 4, secDistance: 0.2 },
      { ...frame, points: Array.from({ length: 64 }, (_, i) => at(i % 2 ? base : complement)), commitCount: 64, secDistance: 0.3 },
      { ...frame, points: Array.from({ length: 200 }, () => at(randomBytes(random, 96))), commitCount: 200, secDistance: 0.45 },
    ];
    for (const input of cases) expectSameAsReference(input);
  });
});

/** Per model sizes a frame can name (the registered Matryoshka sizes). */
const SEGMENT_BITS = [64, 128, 256, 384, 768];

/** Concatenated embeddings of 2..4 models: clusters that agree in one model and not in another included. */
function randomMultiModelInput(seed: number, n: number): DecideInput & { segmentBits: number[] } {
  const random = seededRandom(seed);
  const segmentBits = Array.from({ length: 2 + Math.floor(random() * 3) }, () => SEGMENT_BITS[Math.floor(random() * SEGMENT_BITS.length)]!);
  const perModel = segmentBits.map((bits) => embeddings(random, SHAPES[Math.floor(random() * SHAPES.length)]!, n, bits / 8));
  const points: ConsensusPoint[] = Array.from({ length: n }, (_, i) => {
    const bEmbedding = new Uint8Array(segmentBits.reduce((sum, bits) => sum + bits, 0) / 8);
    let offset = 0;
    for (const model of perModel) {
      bEmbedding.set(model[i]!, offset);
      offset += model[i]!.length;
    }
    return { inferenceId: randomHex(random, 32), commitment: randomHex(random, 32), bEmbedding };
  });
  const bits = segmentBits.reduce((sum, b) => sum + b, 0);
  return {
    points: shuffled(random, points),
    commitCount: n + Math.floor(random() * 3),
    rejectedCount: Math.floor(random() * 2),
    secDistance: secDistance(random, Math.min(...segmentBits)),
    secPercentage: Math.round(random() * 10000) / 10000,
    bits,
    segmentBits,
  };
}

describe('decide with several embedding models matches the plain reference', () => {
  test('on random inputs of 2 to 4 models, whatever the order of the points', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const input = randomMultiModelInput(seed, seed % 40);
      const expected = serialized(referenceDecideEveryModel(input));
      expect(serialized(decide(input))).toBe(expected);
      expect(serialized(decide({ ...input, points: shuffled(seededRandom(seed + 1), input.points) }))).toBe(expected);
    }
  });

  test('one segment is the one-model decision, byte for byte', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const input = randomInput(seed, seed % 30);
      expect(serialized(decide({ ...input, segmentBits: [input.bits] }))).toBe(serialized(referenceDecide(input)));
    }
  });

  test('a point within the radius in one model but not the other is outside the sphere', () => {
    const random = seededRandom(11);
    const a = randomBytes(random, 16);
    const b = randomBytes(random, 8);
    const farB = b.map((byte) => byte ^ 0xff);
    const point = (first: Uint8Array, second: Uint8Array, commitment: string): ConsensusPoint => ({
      inferenceId: randomHex(random, 32),
      commitment,
      bEmbedding: Uint8Array.from([...first, ...second]),
    });
    const honest = [point(a, b, '01'.repeat(32)), point(a, b, '02'.repeat(32)), point(a, b, '03'.repeat(32))];
    const liar = point(a, farB, '00'.repeat(32));
    const input = { points: [...honest, liar], commitCount: 4, secDistance: 0.2, secPercentage: 0.5, bits: 192, segmentBits: [128, 64] };
    const result = decide(input);
    expect(result.status).toBe('decided');
    if (result.status !== 'decided') return;
    expect(result.outliers).toEqual([liar.inferenceId]);
    expect(result.modelRadiiBits).toEqual([25, 12]);
    // The first model alone admits the liar.
    const firstOnly = decide({ ...input, bits: 128, segmentBits: undefined, points: input.points.map((p) => ({ ...p, bEmbedding: p.bEmbedding.subarray(0, 16) })) });
    expect(firstOnly.status === 'decided' && firstOnly.outliers).toEqual([]);
  });
});
