import { describe, expect, test } from 'vitest';
import { bytesToHex } from '../../src/protocol/index.js';
import type { QuorumSnapshot } from '../../src/quorum/index.js';
import { classicalMds, type Point2 } from '../../elements/rakis-quorum/mds.js';
import { describePicture, quorumPicture } from '../../elements/rakis-quorum/picture.js';
import { seededRandom } from '../../testkit/random.js';

const distance = (a: Point2, b: Point2) => Math.hypot(a.x - b.x, a.y - b.y);

describe('classical MDS', () => {
  test('recovers planar configurations exactly (up to rotation and reflection)', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const points = Array.from({ length: 3 + trial }, () => ({ x: random() * 2 - 1, y: random() * 2 - 1 }));
      const distances = points.map((a) => points.map((b) => distance(a, b)));
      const projected = classicalMds(distances);
      for (let i = 0; i < points.length; i++) {
        for (let j = 0; j < points.length; j++) expect(distance(projected[i]!, projected[j]!)).toBeCloseTo(distances[i]![j]!, 6);
      }
    }
  });

  test('small and degenerate inputs', () => {
    expect(classicalMds([])).toEqual([]);
    expect(classicalMds([[0]])).toEqual([{ x: 0, y: 0 }]);
    const two = classicalMds([
      [0, 0.4],
      [0.4, 0],
    ]);
    expect(distance(two[0]!, two[1]!)).toBeCloseTo(0.4, 9);
    const same = classicalMds([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    for (const point of same) expect(Math.hypot(point.x, point.y)).toBeCloseTo(0, 9);
  });

  test('is deterministic and keeps far points far in higher-dimensional (Hamming) data', () => {
    const hamming = [
      [0, 0.05, 0.06, 0.5],
      [0.05, 0, 0.04, 0.52],
      [0.06, 0.04, 0, 0.49],
      [0.5, 0.52, 0.49, 0],
    ];
    const first = classicalMds(hamming);
    expect(classicalMds(hamming)).toEqual(first);
    expect(distance(first[0]!, first[3]!)).toBeGreaterThan(0.4);
    expect(distance(first[0]!, first[1]!)).toBeLessThan(0.1);
  });
});

function embedding(random: () => number, base?: Uint8Array, flips = 0): Uint8Array {
  const bytes = base ? Uint8Array.from(base) : Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256));
  for (let i = 0; i < flips; i++) {
    const bit = Math.floor(random() * 128);
    bytes[bit >> 3]! ^= 0x80 >> (bit & 7);
  }
  return bytes;
}

describe('the quorum picture', () => {
  const random = seededRandom(11);
  const honest = embedding(random);
  const id = (n: number) => String(n).padStart(64, '0');
  const reveals: QuorumSnapshot['reveals'] = [
    ...[0, 1, 2].map((n) => ({ from: id(n + 100), inferenceId: id(n), output: `honest ${n}`, bEmbedding: bytesToHex(embedding(random, honest, 4)), status: 'verified' as const })),
    { from: id(103), inferenceId: id(3), output: 'garbage', bEmbedding: bytesToHex(embedding(random)), status: 'verified' as const },
    { from: id(104), inferenceId: id(4), output: 'forged', bEmbedding: bytesToHex(embedding(random)), status: 'rejected' as const, rejection: { reason: 'embedding-mismatch', detail: 'differs by 60 bits' } },
  ];
  const snapshot = {
    requestId: id(999),
    phase: 'decided',
    reveals,
    decision: {
      basis: 'verified',
      chosenInferenceId: id(1),
      chosenFrom: id(101),
      output: 'honest 1',
      model: 'rakis-test/lm-mini',
      resultHash: id(5),
      listHash: id(6),
      validInferenceIds: [id(0), id(1), id(2), id(3)],
      consensus: { status: 'decided', centre: id(0), members: [id(0), id(1), id(2)], outliers: [id(3)], chosen: id(1), commitCount: 5, required: 3, radiusBits: 19, sphereSizes: new Map() },
    },
  } as unknown as QuorumSnapshot;

  test('marks the cluster, the outlier, the rejected reveal, the chosen answer and the sphere', () => {
    const picture = quorumPicture(snapshot);
    expect(picture.bits).toBe(128);
    expect(picture.points.map((point) => point.kind)).toEqual(['member', 'member', 'member', 'outlier', 'rejected']);
    expect(picture.points.filter((point) => point.chosen).map((point) => point.inferenceId)).toEqual([id(1)]);
    expect(picture.sphere?.radius).toBeCloseTo(19 / 128, 9);
    const centre = picture.points[0]!;
    expect(picture.sphere).toMatchObject({ x: centre.x, y: centre.y });
    const outlier = picture.points[3]!;
    expect(Math.hypot(outlier.x - centre.x, outlier.y - centre.y)).toBeGreaterThan(picture.sphere!.radius);
    expect(outlier.distanceToChosen).toBeGreaterThan(0.3);
  });

  test('says the same in words', () => {
    const text = describePicture(quorumPicture(snapshot), (value) => value.slice(-3));
    expect(text).toMatch(/^5 answers revealed\. 3 agree within distance 0\.15/);
    expect(text).toMatch(/Outliers: node 103 at distance 0\.\d\d from the chosen answer/);
    expect(text).toMatch(/Rejected: node 104 \(embedding-mismatch: differs by 60 bits\)/);
    expect(text).toMatch(/The chosen answer is from node 101\.$/);
    expect(describePicture(quorumPicture({ ...snapshot, reveals: [] }), String)).toBe('No answers revealed yet.');
  });

  test('before a decision every point is pending and there is no sphere', () => {
    const picture = quorumPicture({ ...snapshot, decision: undefined } as QuorumSnapshot, 0.15);
    expect(picture.sphere).toBeUndefined();
    expect(new Set(picture.points.map((point) => point.kind))).toEqual(new Set(['pending', 'rejected']));
  });
});
