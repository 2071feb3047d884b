import { describe, expect, test } from 'vitest';
import { packWords, rowDistance } from '../../src/consensus/hamming.js';
import { sphereCounts } from '../../src/consensus/sphere-counts.js';
import { withinRadiusKernel } from '../../src/consensus/within-radius-kernel.js';
import { WITHIN_RADIUS_WASM } from '../../src/consensus/within-radius-wasm.js';
import { assembleWithinRadius, withinRadiusModuleText } from '../../tools/wasm/build-within-radius.mjs';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

/** Sphere sizes by comparing every pair: what both scans must give. */
function bruteForce(words: Uint32Array, wordsPerRow: number, rows: number, radius: number): Uint32Array {
  return Uint32Array.from({ length: rows }, (_, a) => {
    let count = 0;
    for (let b = 0; b < rows; b++) if (rowDistance(words, wordsPerRow, a, b) <= radius) count++;
    return count;
  });
}

describe('the WebAssembly SIMD pair scan', () => {
  test('the committed bytes are within-radius.wat assembled', async () => {
    const bytes = await assembleWithinRadius();
    expect(withinRadiusModuleText(bytes)).toBe(withinRadiusModuleText(WITHIN_RADIUS_WASM));
  });

  test('compiles here (Node has WebAssembly SIMD)', () => {
    expect(withinRadiusKernel()).not.toBeNull();
  });

  test('gives the same sphere sizes as the JavaScript scan and as comparing every pair', () => {
    const kernel = withinRadiusKernel()!;
    const random = seededRandom(15);
    // Sizes in turn large and small, so the kernel's reused memory holds a larger earlier matrix.
    for (const [rows, bytes] of [[300, 96], [5, 5], [120, 17], [2, 96], [64, 1], [200, 16], [40, 49]] as const) {
      const base = randomBytes(random, bytes);
      const embeddings = Array.from({ length: rows }, () =>
        random() < 0.6 ? flipBits(random, base, Math.floor(random() * bytes * 8 * 0.2)) : randomBytes(random, bytes),
      );
      const { words, wordsPerRow } = packWords(embeddings);
      for (const fraction of [0, 0.05, 0.15, 0.4, 1]) {
        const radius = Math.floor(fraction * bytes * 8);
        const expected = bruteForce(words, wordsPerRow, rows, radius);
        expect(sphereCounts(words, wordsPerRow, rows, radius, kernel)).toEqual(expected);
        expect(sphereCounts(words, wordsPerRow, rows, radius, null)).toEqual(expected);
      }
    }
  });
});
