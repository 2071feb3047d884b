/**
 * `npm run bench:engines [-- --json]`: the engines on the test models, in one run:
 * - texts/s embedded by rakis-test/encoder-mini in Chromium (WASM), in the engine's default workers
 *   (two sharing each batch), in one worker and on the page, after an untimed round and untimed
 *   warm-up batches (medians of rotating rounds, and of the rounds' ratios to the page, each shown), the first batch after loading, and the
 *   call path alone (an empty request);
 * - rakis-test/lm-mini on WASM in Chromium: time to first token, tokens/s;
 * - load time: the first in a fresh browser (includes compiling onnxruntime's 26 MB wasm), then cold
 *   (Cache API emptied) vs cached, for both models (in the worker the previous engine left, its wasm
 *   compiled already);
 * - bits by which the same texts' binary embeddings (18 fixed texts and 96 sampled from lm-mini)
 *   differ between Node (onnxruntime-node),
 *   Chromium WASM and Chromium WebGPU (SwiftShader, a software adapter: never a speed figure);
 * - temperature-0 agreement: how often two nodes (two browser contexts, same backend) write the same
 *   text for the same prompt, and how often Node's CPU backend agrees with Chromium's WASM.
 * With --json the last line is one JSON object with the same figures.
 */
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { EmbeddingEngine } from '../src/engines/embedding-engine.js';
import { TransformersLlmEngine } from '../src/engines/transformers-llm-engine.js';
import { embeddingModel } from '../src/protocol/embedding-models.js';
import { callOverheadInPage, embedInPage, generateInPage, openEnginesPage, type OpenedPage } from '../testkit/engines/drive.js';
import { buildEnginesFixture, startEnginesServer } from '../testkit/engines/fixture.js';
import { AGREEMENT_TEXTS, maxDisagreement } from '../testkit/engines/agreement.js';
import { launchChromium, newContext } from '../testkit/chromium.js';
import { parseCli } from '../testkit/cli.js';

const json = parseCli(import.meta.url, { json: { type: 'boolean', default: false } }).values.json;
const MODELS = fileURLToPath(new URL('../models/', import.meta.url));
const log = (line: string) => {
  if (!json) console.log(line);
};

const PROMPTS = [
  'Return the',
  'The file',
  'Open a',
  'If the socket',
  'This module provides',
  'Raise an error',
  'The default value',
  'Convert the string',
  'A list of',
  'When the thread',
  'Create a new',
  'The function returns',
];
const LM_TOKENS = 48;
const SAMPLED_TEXTS = 96;
const AGREEMENT_TOKENS = 24;

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/** Rounds of worker-vs-main embedding, alternating which goes first. */
const THREAD_ROUNDS = 7;
/**
 * Untimed batches before the timed ones: the first batches after a load run 3-10× slower while V8
 * optimizes the libraries' code, and each worker engine is a fresh realm that pays this again, while
 * the page's realm stays warm from its previous main-thread engine. The steady rate is what a node runs at.
 */
const WARM_UP_CALLS = 3;

async function nodeFigures() {
  const lm = new TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: MODELS, thread: 'main' });
  await lm.load();
  const texts: string[] = [];
  for (const prompt of PROMPTS) texts.push(await lm.generate(prompt, { maxTokens: AGREEMENT_TOKENS }).text);
  const corpus: string[] = [...AGREEMENT_TEXTS];
  for (let seed = 0; seed < SAMPLED_TEXTS; seed++) {
    const prompt = PROMPTS[seed % PROMPTS.length]!;
    corpus.push(prompt + (await lm.generate(prompt, { maxTokens: 8 + (seed % 24), temperature: 1, seed }).text));
  }
  await lm.unload();
  const embedder = new EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: MODELS, thread: 'main' });
  await embedder.load();
  const binary = (await embedder.embed(corpus)).binary;
  await embedder.unload();
  return { binary, texts, corpus };
}

async function withPage<T>(browser: Browser, url: string, work: (opened: OpenedPage) => Promise<T>): Promise<T> {
  const context = await newContext(browser);
  try {
    const opened = await openEnginesPage(context, url);
    return await work(opened);
  } finally {
    await context.close();
  }
}

async function generateAll(opened: OpenedPage, maxTokens: number): Promise<string[]> {
  return opened.page.evaluate(async ({ prompts, maxTokens }) => {
    const engine = new window.rakisEngines.TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/' });
    await engine.load();
    const texts: string[] = [];
    for (const prompt of prompts) texts.push(await engine.generate(prompt, { maxTokens, temperature: 0 }).text);
    await engine.unload();
    return texts;
  }, { prompts: PROMPTS, maxTokens });
}

async function main() {
  const t0 = Date.now();
  await buildEnginesFixture();
  log(`fixture build: ${((Date.now() - t0) / 1000).toFixed(1)} s (cached across runs)`);
  const node = await nodeFigures();
  const server = await startEnginesServer();
  const wasmBrowser = await launchChromium();
  const gpuBrowser = await launchChromium({ webgpu: true });
  try {
    const batch = Array.from({ length: 4 }, () => AGREEMENT_TEXTS).flat();
    const { cores, firstEmbed, worker, oneWorker, main, workerToMain, oneWorkerToMain, roundRatios, oneWorkerRatios, firstCallMs, callOverheadMs, coldEmbed, cachedEmbed, wasmBits, coldLm, cachedLm, lmRun, nodeAgreement } = await withPage(wasmBrowser, server.page, async (opened) => {
      const firstEmbed = await embedInPage(opened.page, { texts: node.corpus, clearCache: true });
      const coldEmbed = await embedInPage(opened.page, { texts: AGREEMENT_TEXTS, clearCache: true });
      const cachedEmbed = await embedInPage(opened.page, { texts: AGREEMENT_TEXTS });
      // The engine's default workers (two here: a small model on a 2-core machine), one worker and the
      // main thread in turns, each round starting with another, so load drifting on a shared machine
      // weighs on all alike; each figure is a median of its rounds.
      const cores = await opened.page.evaluate(() => navigator.hardwareConcurrency);
      const variants = ['worker', 'oneWorker', 'main'] as const;
      type Variant = (typeof variants)[number];
      const rates: Record<Variant, number[]> = { worker: [], oneWorker: [], main: [] };
      const firsts: Record<Variant, number[]> = { worker: [], oneWorker: [], main: [] };
      const ratios = { worker: [] as number[], oneWorker: [] as number[] };
      // A first round untimed: the page's first main-thread engine and the workers' first batches of this size.
      for (let turn = -1; turn < THREAD_ROUNDS; turn++) {
        const start = (turn + 3) % 3;
        const order = [...variants.slice(start), ...variants.slice(0, start)];
        const rate: Partial<Record<Variant, number>> = {};
        for (const variant of order) {
          const options = variant === 'main' ? { thread: 'main' as const } : { thread: 'worker' as const, ...(variant === 'oneWorker' ? { workers: 1 } : {}) };
          const run = await embedInPage(opened.page, { texts: batch, warmUp: WARM_UP_CALLS, repeat: 10, ...options });
          if (turn < 0) continue;
          rate[variant] = batch.length / (run.embedMs / 1000);
          rates[variant].push(rate[variant]);
          firsts[variant].push(run.firstCallMs);
        }
        if (turn < 0) continue;
        ratios.worker.push(rate.worker! / rate.main!);
        ratios.oneWorker.push(rate.oneWorker! / rate.main!);
      }
      const worker = median(rates.worker);
      const oneWorker = median(rates.oneWorker);
      const main = median(rates.main);
      const workerToMain = median(ratios.worker);
      const oneWorkerToMain = median(ratios.oneWorker);
      const roundRatios = ratios.worker;
      const oneWorkerRatios = ratios.oneWorker;
      const firstCallMs = { worker: median(firsts.worker), main: median(firsts.main) };
      const callOverheadMs = { worker: await callOverheadInPage(opened.page, 'worker'), main: await callOverheadInPage(opened.page, 'main') };
      const coldLm = await generateInPage(opened.page, { prompt: PROMPTS[0]!, maxTokens: LM_TOKENS, clearCache: true });
      const cachedLm = await generateInPage(opened.page, { prompt: PROMPTS[0]!, maxTokens: LM_TOKENS });
      const lmRun = await generateInPage(opened.page, { prompt: PROMPTS[1]!, maxTokens: LM_TOKENS, runs: 1 });
      const chromiumTexts = await generateAll(opened, AGREEMENT_TOKENS);
      const nodeAgreement = chromiumTexts.filter((text, i) => text === node.texts[i]).length / PROMPTS.length;
      if (opened.foreign.length > 0) throw new Error(`fetched from other origins: ${opened.foreign.join(', ')}`);
      const wasmBits = maxDisagreement(firstEmbed.binary, node.binary);
      return { cores, firstEmbed, worker, oneWorker, main, workerToMain, oneWorkerToMain, roundRatios, oneWorkerRatios, firstCallMs, callOverheadMs, coldEmbed, cachedEmbed, wasmBits, coldLm, cachedLm, lmRun, nodeAgreement };
    });
    // Two "nodes": separate browser contexts (separate workers and caches) on the same backend.
    const [nodeA, nodeB] = await Promise.all([
      withPage(wasmBrowser, server.page, (opened) => generateAll(opened, AGREEMENT_TOKENS)),
      withPage(wasmBrowser, server.page, (opened) => generateAll(opened, AGREEMENT_TOKENS)),
    ]);
    const peerAgreement = nodeA.filter((text, i) => text === nodeB[i]).length / PROMPTS.length;
    const gpuBits = await withPage(gpuBrowser, server.page, async (opened) => {
      const run = await embedInPage(opened.page, { texts: node.corpus, device: 'webgpu' });
      return maxDisagreement(run.binary, node.binary);
    });

    const lmTokens = lmRun.tokens;
    const decodeMs = lmRun.generateMs - lmRun.firstTokenMs;
    const figures = {
      embedTextsPerSecond: {
        pageCores: cores,
        worker: round(worker),
        oneWorker: round(oneWorker),
        main: round(main),
        workerToMain: round(workerToMain, 2),
        oneWorkerToMain: round(oneWorkerToMain, 2),
        rounds: THREAD_ROUNDS,
        roundRatios: roundRatios.map((r) => round(r, 2)),
        oneWorkerRatios: oneWorkerRatios.map((r) => round(r, 2)),
      },
      embedFirstCallMs: { worker: round(firstCallMs.worker, 0), main: round(firstCallMs.main, 0) },
      embedCallOverheadMs: { worker: round(callOverheadMs.worker, 3), main: round(callOverheadMs.main, 3) },
      lmTimeToFirstTokenMs: round(lmRun.firstTokenMs),
      lmTokensPerSecond: round(lmTokens / (lmRun.generateMs / 1000)),
      lmDecodeTokensPerSecond: round((lmTokens - 1) / (decodeMs / 1000)),
      lmTokens,
      loadMs: {
        firstInBrowser: round(firstEmbed.loadMs, 0),
        embedding: { cold: round(coldEmbed.loadMs, 0), cached: round(cachedEmbed.loadMs, 0) },
        lm: { cold: round(coldLm.loadMs, 0), cached: round(cachedLm.loadMs, 0) },
      },
      maxBitDisagreement: {
        nodeVsChromiumWasm: wasmBits,
        nodeVsChromiumWebgpu: gpuBits,
        max: Math.max(wasmBits, gpuBits),
        texts: node.corpus.length,
        bits: embeddingModel('rakis-test/encoder-mini')!.dims,
        verifyToleranceBits: embeddingModel('rakis-test/encoder-mini')!.verifyToleranceBits,
      },
      temperatureZeroAgreement: {
        prompts: PROMPTS.length,
        tokens: AGREEMENT_TOKENS,
        chromiumWasmPeers: peerAgreement,
        nodeCpuVsChromiumWasm: nodeAgreement,
      },
    };
    log('');
    log(`embedding (rakis-test/encoder-mini, batches of ${batch.length}, Chromium WASM)`);
    log(
      `  workers (the engine's default: 2 for a small model where the page has 2 cores or more; this page has ${cores}): ${figures.embedTextsPerSecond.worker} texts/s   one worker: ${figures.embedTextsPerSecond.oneWorker} texts/s   main thread: ${figures.embedTextsPerSecond.main} texts/s (after an untimed round, and ${WARM_UP_CALLS} untimed batches per engine; medians of ${THREAD_ROUNDS} rotating rounds of 10 batches)`,
    );
    log(`  workers/main ${figures.embedTextsPerSecond.workerToMain}, per round: ${figures.embedTextsPerSecond.roundRatios.join(' ')} (lowest ${Math.min(...roundRatios).toFixed(2)}, highest ${Math.max(...roundRatios).toFixed(2)})`);
    log(`  one worker/main ${figures.embedTextsPerSecond.oneWorkerToMain}, per round: ${figures.embedTextsPerSecond.oneWorkerRatios.join(' ')}`);
    log(`  call path alone (empty request): worker ${figures.embedCallOverheadMs.worker} ms, main thread ${figures.embedCallOverheadMs.main} ms per call`);
    log(`  first batch after load: worker ${figures.embedFirstCallMs.worker} ms, main thread ${figures.embedFirstCallMs.main} ms (a fresh engine's code still compiling and optimizing)`);
    log(`  load: first in a fresh browser ${figures.loadMs.firstInBrowser} ms (compiles onnxruntime's wasm)`);
    log(`        cold ${figures.loadMs.embedding.cold} ms, cached ${figures.loadMs.embedding.cached} ms`);
    log(`LM (rakis-test/lm-mini, ${lmTokens} tokens, Chromium WASM, worker)`);
    log(`  time to first token: ${figures.lmTimeToFirstTokenMs} ms   ${figures.lmTokensPerSecond} tokens/s (decode only: ${figures.lmDecodeTokensPerSecond})`);
    log(`  load: cold ${figures.loadMs.lm.cold} ms, cached ${figures.loadMs.lm.cached} ms`);
    log(`max bit disagreement with Node over ${node.corpus.length} texts (of ${figures.maxBitDisagreement.bits} bits, tolerance ${figures.maxBitDisagreement.verifyToleranceBits})`);
    log(`  Chromium WASM: ${wasmBits}   Chromium WebGPU (SwiftShader): ${gpuBits}`);
    log(`temperature-0 agreement over ${PROMPTS.length} prompts × ${AGREEMENT_TOKENS} tokens`);
    log(`  two Chromium WASM nodes: ${(peerAgreement * 100).toFixed(0)}%   Node CPU vs Chromium WASM: ${(nodeAgreement * 100).toFixed(0)}%`);
    if (json) console.log(JSON.stringify(figures));
  } finally {
    await wasmBrowser.close();
    await gpuBrowser.close();
    await server.close();
  }
}

await main();
