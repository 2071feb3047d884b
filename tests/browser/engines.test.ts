// Engines in real Chromium: test models loaded in Web Workers from the local model server.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { EmbeddingEngine } from '../../src/engines/embedding-engine.js';
import type { LoadProgress } from '../../src/engines/progress.js';
import { embeddingModel } from '../../src/protocol/embedding-models.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { embedInPage, generateInPage, openEnginesPage, type OpenedPage } from '../../testkit/engines/drive.js';
import { startEnginesServer, type EnginesServer } from '../../testkit/engines/fixture.js';
import { AGREEMENT_TEXTS, maxDisagreement } from '../../testkit/engines/agreement.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
const TOLERANCE = embeddingModel('rakis-test/encoder-mini')!.verifyToleranceBits;

function expectProgressWellFormed(progress: readonly LoadProgress[]): void {
  expect(progress.length).toBeGreaterThan(1);
  const fractions = progress.map((p) => p.fraction);
  expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
  expect(fractions.filter((f) => f === 1)).toHaveLength(1);
  expect(progress.at(-1)).toMatchObject({ fraction: 1, phase: 'ready' });
  expect(progress.at(-1)!.loadedBytes).toBeGreaterThan(1_000_000);
}

let nodeBinary: Uint8Array[];
/** The second test encoder's embeddings in Node, for frames naming two models. */
let nodeTinyBinary: Uint8Array[];

beforeAll(async () => {
  const embedInNode = async (model: string) => {
    const engine = new EmbeddingEngine(model, { modelBaseUrl: MODELS, thread: 'main' });
    await engine.load();
    const { binary } = await engine.embed(AGREEMENT_TEXTS);
    await engine.unload();
    return binary;
  };
  nodeBinary = await embedInNode('rakis-test/encoder-mini');
  nodeTinyBinary = await embedInNode('rakis-test/encoder-tiny');
});

describe('without WebGPU (WASM)', () => {
  let server: EnginesServer;
  let browser: Browser;
  let context: BrowserContext;
  let opened: OpenedPage;

  // The first server start builds the fixture with Vite (about a minute on a fresh machine).
  beforeAll(async () => {
    server = await startEnginesServer();
    browser = await launchChromium();
    context = await newContext(browser);
    opened = await openEnginesPage(context, server.page);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('importing the engines loads no ML library until an engine loads', () => {
    expect(server.requests.filter((url) => /transformers|web-llm|lib-|ort-wasm/.test(url))).toEqual([]);
  });

  test('the embedding engine loads in a worker with progress and agrees with Node', async () => {
    const run = await embedInPage(opened.page, { texts: AGREEMENT_TEXTS, clearCache: true });
    expect(run.status).toBe('ready');
    expectProgressWellFormed(run.progress);
    expect(run.binary).toHaveLength(AGREEMENT_TEXTS.length);
    expect(run.binary[0]).toHaveLength(16);
    expect(maxDisagreement(run.binary, nodeBinary)).toBeLessThanOrEqual(TOLERANCE);
    expect(server.requests).toContain('/ort/ort-wasm-simd-threaded.asyncify.wasm');
  });

  test('a batch shared by two workers comes back whole and in order, as one worker embeds it', async () => {
    const page = opened.page;
    await page.evaluate(async () => {
      const engine = new window.rakisEngines.EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/', workers: 2 });
      await engine.load();
      (globalThis as { sharedEngine?: unknown }).sharedEngine = engine;
    });
    // Both hold the model (one may be the worker an earlier engine left: engine-workers.ts).
    expect(page.workers().length).toBeGreaterThanOrEqual(2);
    const shared = await page.evaluate(async (texts) => {
      const holder = globalThis as { sharedEngine?: InstanceType<typeof window.rakisEngines.EmbeddingEngine> };
      const engine = holder.sharedEngine!;
      const { binary } = await engine.embed(texts);
      await engine.unload();
      delete holder.sharedEngine;
      return binary.map((bits) => [...bits]);
    }, [...AGREEMENT_TEXTS]);
    const alone = await embedInPage(page, { texts: AGREEMENT_TEXTS, workers: 1 });
    expect(shared).toHaveLength(AGREEMENT_TEXTS.length);
    // Index by index: a share returned out of order would put other texts' bits at these places.
    expect(maxDisagreement(shared, alone.binary)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxDisagreement(shared, nodeBinary)).toBeLessThanOrEqual(TOLERANCE);
  });

  test('the second test encoder (64 bits) agrees with Node within its own tolerance', async () => {
    const run = await embedInPage(opened.page, { model: 'rakis-test/encoder-tiny', texts: AGREEMENT_TEXTS });
    expect(run.binary[0]).toHaveLength(8);
    expect(maxDisagreement(run.binary, nodeTinyBinary)).toBeLessThanOrEqual(embeddingModel('rakis-test/encoder-tiny')!.verifyToleranceBits);
  });

  test('the LM generates an answer in a worker, and its embedding comes back', async () => {
    const run = await generateInPage(opened.page, { prompt: 'Return the', maxTokens: 12, runs: 2 });
    expect(run.backend).toBe('transformers-wasm');
    expect(run.text.length).toBeGreaterThan(0);
    expect(run.pieces.join('')).toBe(run.text);
    expectProgressWellFormed(run.progress);
    expect(run.repeats).toEqual([run.text]);
    const embedded = await embedInPage(opened.page, { texts: [run.text] });
    expect(embedded.binary[0]).toHaveLength(16);
  });

  test('cancellation mid-load returns the engine to idle; it loads again afterwards', async () => {
    const result = await opened.page.evaluate(async () => {
      const api = window.rakisEngines;
      await api.clearModelCache();
      const engine = new api.EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/' });
      const controller = new AbortController();
      const seen: number[] = [];
      const outcome = await engine
        .load({ signal: controller.signal, onProgress: (p) => (seen.push(p.fraction), controller.abort()) })
        .then(() => 'resolved', (e: { code?: string }) => e.code);
      const statusAfterAbort = engine.status;
      await engine.load();
      const bits = (await engine.embed(['after the abort'])).binary[0]!.length * 8;
      await engine.unload();
      return { outcome, statusAfterAbort, seen, bits };
    });
    expect(result.outcome).toBe('aborted');
    expect(result.statusAfterAbort).toBe('idle');
    expect(result.seen[0]).toBeLessThan(1);
    expect(result.bits).toBe(128);
  });

  test('the next engine loads in the worker an unloaded one left; a worker given up mid-load or while busy is not reused', async () => {
    const started: string[] = [];
    const onWorker = (worker: { url(): string }) => started.push(worker.url());
    opened.page.on('worker', onWorker);
    const outcome = await opened.page.evaluate(async () => {
      const api = window.rakisEngines;
      const make = () => new api.EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/', workers: 1 });
      const first = make();
      await first.load();
      const sequence: string[] = [];
      await first.unload();
      const second = make();
      await second.load();
      sequence.push(`second ${(await second.embed(['reused'])).binary.length}`);
      await second.unload();
      // A load given up midway: its worker is ended, the next engine starts another.
      const aborted = make();
      const controller = new AbortController();
      await aborted.load({ signal: controller.signal, onProgress: () => controller.abort() }).catch(() => undefined);
      const third = make();
      await third.load();
      // Unloaded while a call runs: that worker is ended too.
      const running = third.embed(['still running']).catch((e: { code?: string }) => e.code);
      await new Promise((resolve) => setTimeout(resolve, 0));
      await third.unload();
      sequence.push(`running ${await running}`);
      const fourth = make();
      await fourth.load();
      sequence.push(`fourth ${(await fourth.embed(['fresh'])).binary.length}`);
      await fourth.unload();
      return sequence;
    });
    opened.page.off('worker', onWorker);
    expect(outcome).toEqual(['second 1', 'running aborted', 'fourth 1']);
    // first, second and the aborted load share one worker (new, or the one an earlier test left), which
    // the abort ends; third starts another, ended while busy; fourth starts a third. Without reuse: 5.
    expect(started.length).toBeGreaterThanOrEqual(2);
    expect(started.length).toBeLessThanOrEqual(3);
  });

  test('cancellation mid-generation stops it; the engine stays ready', async () => {
    const result = await opened.page.evaluate(async () => {
      const api = window.rakisEngines;
      const engine = new api.TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/' });
      await engine.load();
      const controller = new AbortController();
      const stream = engine.generate('The file', { maxTokens: 200, signal: controller.signal });
      const pieces: string[] = [];
      const outcome = await (async () => {
        try {
          for await (const piece of stream) {
            pieces.push(piece);
            controller.abort();
          }
          return 'resolved';
        } catch (e) {
          return (e as { code?: string }).code;
        }
      })();
      const statusAfterAbort = engine.status;
      const next = await engine.generate('The file', { maxTokens: 4 }).text;
      await engine.unload();
      return { outcome, pieces: pieces.length, statusAfterAbort, next };
    });
    expect(result.outcome).toBe('aborted');
    expect(result.pieces).toBeGreaterThan(0);
    expect(result.pieces).toBeLessThan(50);
    expect(result.statusAfterAbort).toBe('ready');
    expect(result.next.length).toBeGreaterThan(0);
  });

  test('a second load comes from the Cache API, and clearModelCache empties it', async () => {
    const modelFetches = () => server.requests.filter((url) => /^\/(models|ort)\//.test(url)).length;
    const load = () =>
      opened.page.evaluate(async () => {
        const engine = new window.rakisEngines.EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/' });
        await engine.load();
        await engine.unload();
      });
    await opened.page.evaluate(() => window.rakisEngines.clearModelCache());
    const before = modelFetches();
    await load();
    const cold = modelFetches() - before;
    await load();
    const cached = modelFetches() - before - cold;
    const entries = () => opened.page.evaluate(async () => (await (await caches.open('transformers-cache')).keys()).length);
    const stored = await entries();
    await opened.page.evaluate(() => window.rakisEngines.clearModelCache());
    expect(cold).toBeGreaterThanOrEqual(4);
    expect(cached).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(4);
    expect(await entries()).toBe(0);
  });

  test('a missing model is file-missing and its 404 is never cached', async () => {
    const result = await opened.page.evaluate(async () => {
      const api = window.rakisEngines;
      const engine = new api.EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: '/models/nowhere/', wasmBaseUrl: '/ort/' });
      const code = await engine.load().then(() => 'resolved', (e: { code?: string }) => e.code);
      const keys = await (await caches.open('transformers-cache')).keys();
      return { code, status: engine.status, cachedMissing: keys.filter((k) => k.url.includes('/nowhere/')).length };
    });
    expect(result).toEqual({ code: 'file-missing', status: 'idle', cachedMissing: 0 });
  });

  test('WebLLM reports itself unavailable without an adapter; selection falls back to WASM', async () => {
    const result = await opened.page.evaluate(async () => {
      const api = window.rakisEngines;
      const caps = await api.detectCapabilities();
      const webllm = new api.WebLlmEngine('Qwen2.5-0.5B-Instruct-q4f16_1-MLC', { modelBaseUrl: '/mlc/' });
      const webllmError = await webllm.load().then(() => undefined, (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }));
      const chosen = await api.createLlmEngine({
        models: ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC', 'rakis-test/lm-mini'],
        modelBaseUrl: '/models/',
        wasmBaseUrl: '/ort/',
        capabilities: caps,
      });
      return { gpu: caps.gpu, webllmBackend: caps.backends.webllm, role: caps.role, webllmError, chosen: { id: chosen.modelId, backend: chosen.backend } };
    });
    expect(result.gpu.available).toBe(false);
    expect(result.webllmBackend.available).toBe(false);
    expect(result.webllmBackend.reason).toMatch(/requestAdapter|navigator\.gpu/);
    expect(result.webllmError?.code).toBe('no-webgpu');
    expect(result.role).toBe('worker');
    expect(result.chosen).toEqual({ id: 'rakis-test/lm-mini', backend: 'transformers-wasm' });
  });

  test('nothing was fetched from any origin but the fixture server', () => {
    expect(opened.foreign).toEqual([]);
    expect(opened.problems).toEqual([]);
  });
});

describe('with SwiftShader WebGPU', () => {
  let server: EnginesServer;
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    server = await startEnginesServer();
    browser = await launchChromium({ webgpu: true });
    opened = await openEnginesPage(await newContext(browser), server.page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a software adapter is detected: WebLLM unavailable, transformers.js WebGPU available', async () => {
    const caps = await opened.page.evaluate(() => window.rakisEngines.detectCapabilities());
    expect(caps.gpu).toMatchObject({ available: true, software: true });
    expect(caps.backends.webllm.available).toBe(false);
    expect(caps.backends['transformers-webgpu'].available).toBe(true);
  });

  test('the embedding engine runs on the WebGPU device and agrees with Node', async () => {
    // SwiftShader is slow: a few texts exercise the path; bench:engines measures all of them.
    const run = await embedInPage(opened.page, { texts: AGREEMENT_TEXTS.slice(0, 6), device: 'webgpu' });
    expect(run.status).toBe('ready');
    expectProgressWellFormed(run.progress);
    expect(maxDisagreement(run.binary, nodeBinary.slice(0, 6))).toBeLessThanOrEqual(TOLERANCE);
  });

  test('the LM runs on the WebGPU device', async () => {
    const run = await generateInPage(opened.page, { prompt: 'Return the', maxTokens: 2, device: 'webgpu' });
    expect(run.backend).toBe('transformers-webgpu');
    expect(run.text.length).toBeGreaterThan(0);
  });

  test('WebLLM on a self-hosted base asks only that base, and a missing build is file-missing', async () => {
    const error = await opened.page.evaluate(async () => {
      const engine = new window.rakisEngines.WebLlmEngine('Qwen2.5-0.5B-Instruct-q4f16_1-MLC', { modelBaseUrl: '/mlc/' });
      return engine.load().then(() => undefined, (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message, status: engine.status }));
    });
    expect(error?.code).toBe('file-missing');
    expect(error?.status).toBe('idle');
    expect(server.requests.some((url) => url.startsWith('/mlc/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/'))).toBe(true);
    expect(opened.foreign).toEqual([]);
  });
});

describe('under a strict CSP', () => {
  let server: EnginesServer;
  let browser: Browser;
  let opened: OpenedPage;

  beforeAll(async () => {
    server = await startEnginesServer({ csp: true });
    browser = await launchChromium();
    opened = await openEnginesPage(await newContext(browser), server.page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test("both engines work with script-src 'self' 'wasm-unsafe-eval'", async () => {
    const policy = await opened.page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    const embedded = await embedInPage(opened.page, { texts: AGREEMENT_TEXTS.slice(0, 4), clearCache: true });
    expect(maxDisagreement(embedded.binary, nodeBinary.slice(0, 4))).toBeLessThanOrEqual(TOLERANCE);
    const generated = await generateInPage(opened.page, { prompt: 'Return the', maxTokens: 6 });
    expect(generated.text.length).toBeGreaterThan(0);
    expect(opened.problems).toEqual([]);
    expect(opened.foreign).toEqual([]);
  });
});
