/**
 * `npm run bench:consensus [-- --json]`: time to decide n reveals of 768-bit embeddings, against the
 * original Rakis's consensus step on the same data in the same run.
 *
 * Data: 60% of the points are an honest cluster (a base embedding with 0–8% of its bits flipped),
 * 40% are uniformly random outliers; secDistance 0.15, secPercentage 0.5. The sphere counts (the
 * pair scan) are also timed alone with the WebAssembly SIMD kernel and with the JavaScript fallback.
 */
import { decide, type ConsensusPoint } from '../src/consensus/index.js';
import { packWords } from '../src/consensus/hamming.js';
import { radiusBits } from '../src/consensus/thresholds.js';
import { sphereCounts } from '../src/consensus/sphere-counts.js';
import { withinRadiusKernel } from '../src/consensus/within-radius-kernel.js';
import { bytesToHex } from '../src/protocol/index.js';
import { flipBits, randomBytes, seededRandom } from '../testkit/random.js';
import { originalRakisClusterSizes } from './consensus-baseline.js';
import { parseCli } from '../testkit/cli.js';

const BITS = 768;
const SIZES = [10, 100, 1000, 3000];
const json = parseCli(import.meta.url, { json: { type: 'boolean', default: false } }).values.json;

function makePoints(n: number, seed: number): ConsensusPoint[] {
  const random = seededRandom(seed);
  const base = randomBytes(random, BITS / 8);
  return Array.from({ length: n }, (_, i) => ({
    inferenceId: bytesToHex(randomBytes(random, 32)),
    commitment: bytesToHex(randomBytes(random, 32)),
    bEmbedding: i < n * 0.6 ? flipBits(random, base, Math.floor(random() * BITS * 0.08)) : randomBytes(random, BITS / 8),
  }));
}

/**
 * Median wall time of `runs` calls after as many warm-up calls: a few-millisecond function is still
 * being compiled after one call, while one call of a slow one already warms it.
 */
function time(fn: () => unknown, runs: number): number {
  for (let r = 0; r < runs; r++) fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const rows = SIZES.map((n) => {
  const points = makePoints(n, n);
  const input = { points, commitCount: n, secDistance: 0.15, secPercentage: 0.5, bits: BITS };
  const result = decide(input);
  const runs = n <= 100 ? 50 : n <= 1000 ? 21 : 5;
  const ms = time(() => decide(input), runs);
  // The baseline compares Euclidean distances over byte values; its threshold is scaled so it also
  // admits about 15% differing bits (each differing byte contributes at least 1² to the sum).
  const asNumbers = points.map((point) => Array.from(point.bEmbedding));
  const baselineRuns = n <= 100 ? 20 : n <= 1000 ? 3 : 1;
  const baselineMs = time(() => originalRakisClusterSizes(asNumbers, 0.15 * BITS, Math.ceil(0.5 * n)), baselineRuns);
  const { words, wordsPerRow } = packWords(points.map((point) => point.bEmbedding));
  const radius = radiusBits(0.15, BITS);
  const kernel = withinRadiusKernel();
  const scanWasmMs = kernel ? time(() => sphereCounts(words, wordsPerRow, n, radius, kernel), runs) : undefined;
  const scanJsMs = time(() => sphereCounts(words, wordsPerRow, n, radius, null), runs);
  const clusterSize = result.status === 'decided' ? result.members.length : 0;
  return { n, ms, baselineMs, ratio: baselineMs / ms, scanWasmMs, scanJsMs, decided: result.status === 'decided', clusterSize };
});

if (json) {
  console.log(JSON.stringify({ rows: rows.map(({ n, ms, baselineMs, ratio, scanWasmMs, scanJsMs }) => ({ n, ms, baselineMs, ratio, scanWasmMs, scanJsMs })) }));
} else {
  console.log(`decide() vs the original Rakis consensus step, ${BITS}-bit embeddings (median wall time)`);
  console.log('     n   decide ms   baseline ms    ratio   cluster   scan: wasm ms     js ms');
  for (const row of rows) {
    const wasm = row.scanWasmMs === undefined ? 'n/a' : row.scanWasmMs.toFixed(3);
    console.log(
      `${String(row.n).padStart(6)} ${row.ms.toFixed(3).padStart(11)} ${row.baselineMs.toFixed(2).padStart(13)} ${row.ratio.toFixed(1).padStart(7)}x ${String(row.clusterSize).padStart(8)} ${wasm.padStart(15)} ${row.scanJsMs.toFixed(3).padStart(9)}`,
    );
  }
  if (!withinRadiusKernel()) console.log('(no WebAssembly SIMD here: decide() used the JavaScript scan)');
}
