/**
 * Drives the engines fixture page from Node (tests and bench): opens it with request logging and
 * runs engines inside it. Everything crossing `page.evaluate` is plain JSON.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { EngineErrorCode, EngineThread, LoadProgress, TransformersDevice } from '../../src/engines/index.js';
import '../pages/engines-page-api.js';

export interface OpenedPage {
  page: Page;
  /** URLs the page or its workers asked for that are not on the fixture origin. */
  foreign: string[];
  /** Console errors and CSP violations. */
  problems: string[];
}

export async function openEnginesPage(context: BrowserContext, url: string): Promise<OpenedPage> {
  const origin = new URL(url).origin;
  const foreign: string[] = [];
  const problems: string[] = [];
  // Routes see page and worker requests; anything not on the origin is logged and refused.
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (new URL(target).origin === origin) return route.continue();
    foreign.push(target);
    return route.abort();
  });
  context.on('request', (request) => {
    const target = request.url();
    if (!/^(blob|data):/.test(target) && new URL(target).origin !== origin) foreign.push(target);
  });
  // tsx (the bench's runner) wraps functions in esbuild's `__name(...)`; page.evaluate ships them as source.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(url);
  await page.waitForFunction(() => window.rakisEnginesReady === true);
  return { page, foreign, problems };
}

export interface EmbedRun {
  binary: number[][];
  vectors: number[][];
  progress: LoadProgress[];
  loadMs: number;
  /** The first call after loading, while a fresh engine's code is still being compiled and optimized. */
  firstCallMs: number;
  /** Per call, over the timed calls (after the `warmUp` calls when given). */
  embedMs: number;
  status: string;
}

export interface EmbedRunOptions {
  /** Default `rakis-test/encoder-mini`. */
  model?: string;
  device?: TransformersDevice;
  thread?: EngineThread;
  /** Workers sharing each batch (default: the engine's own default). */
  workers?: number;
  texts: readonly string[];
  /** Embed the texts this many times (timing). */
  repeat?: number;
  /** Untimed calls first (the first of them is `firstCallMs`), so `embedMs` is the steady rate. */
  warmUp?: number;
  clearCache?: boolean;
}

export function embedInPage(page: Page, options: EmbedRunOptions): Promise<EmbedRun> {
  return page.evaluate(async ({ model, device, thread, workers, texts, repeat, clearCache, warmUp }) => {
    const api = window.rakisEngines;
    if (clearCache) await api.clearModelCache();
    const engine = new api.EmbeddingEngine(model ?? 'rakis-test/encoder-mini', {
      modelBaseUrl: '/models/',
      wasmBaseUrl: '/ort/',
      device: device ?? 'wasm',
      thread: thread ?? 'worker',
      ...(workers ? { workers } : {}),
    });
    const progress: LoadProgress[] = [];
    const t0 = performance.now();
    await engine.load({ onProgress: (p) => progress.push(p) });
    const loaded = performance.now();
    let t1 = loaded;
    let result = await engine.embed(texts);
    const firstCallMs = performance.now() - t1;
    if (warmUp) {
      for (let i = 1; i < warmUp; i++) await engine.embed(texts);
      t1 = performance.now();
      result = await engine.embed(texts);
    }
    for (let i = 1; i < (repeat ?? 1); i++) result = await engine.embed(texts);
    const t2 = performance.now();
    const status = engine.status;
    await engine.unload();
    return {
      binary: result.binary.map((b) => [...b]),
      vectors: result.vectors.map((v) => [...v]),
      progress,
      loadMs: loaded - t0,
      firstCallMs,
      embedMs: (t2 - t1) / (repeat ?? 1),
      status,
    };
  }, { ...options, texts: [...options.texts] });
}

/**
 * Milliseconds per call of an empty embedding request on a loaded engine: the cost of the call path
 * itself (the channel, and in a worker the messages both ways), with no model work.
 */
export function callOverheadInPage(page: Page, thread: EngineThread, calls = 300): Promise<number> {
  return page.evaluate(async ({ thread, calls }) => {
    const engine = new window.rakisEngines.EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/', thread });
    await engine.load();
    for (let i = 0; i < calls / 4; i++) await engine.embed([]);
    const start = performance.now();
    for (let i = 0; i < calls; i++) await engine.embed([]);
    const ms = (performance.now() - start) / calls;
    await engine.unload();
    return ms;
  }, { thread, calls });
}

export interface GenerateRun {
  text: string;
  tokens: number;
  /** Texts of the further runs (`runs` > 1) on the same loaded engine. */
  repeats: string[];
  pieces: string[];
  progress: LoadProgress[];
  loadMs: number;
  firstTokenMs: number;
  generateMs: number;
  backend: string;
}

export function generateInPage(
  page: Page,
  options: { device?: TransformersDevice; prompt: string; maxTokens: number; temperature?: number; seed?: number; clearCache?: boolean; runs?: number },
): Promise<GenerateRun> {
  return page.evaluate(async ({ device, prompt, maxTokens, temperature, seed, clearCache, runs }) => {
    const api = window.rakisEngines;
    if (clearCache) await api.clearModelCache();
    const engine = new api.TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: '/models/', wasmBaseUrl: '/ort/', device: device ?? 'wasm' });
    const progress: LoadProgress[] = [];
    const t0 = performance.now();
    await engine.load({ onProgress: (p) => progress.push(p) });
    const t1 = performance.now();
    const pieces: string[] = [];
    let firstTokenMs = Number.NaN;
    const stream = engine.generate(prompt, { maxTokens, temperature: temperature ?? 0, ...(seed !== undefined ? { seed } : {}) });
    for await (const piece of stream) {
      if (pieces.length === 0) firstTokenMs = performance.now() - t1;
      pieces.push(piece);
    }
    const { text, tokens } = await stream.result;
    const generateMs = performance.now() - t1;
    const repeats: string[] = [];
    for (let i = 1; i < (runs ?? 1); i++) {
      repeats.push(await engine.generate(prompt, { maxTokens, temperature: temperature ?? 0, ...(seed !== undefined ? { seed } : {}) }).text);
    }
    await engine.unload();
    return { text, tokens, repeats, pieces, progress, loadMs: t1 - t0, firstTokenMs, generateMs, backend: engine.backend };
  }, options);
}

/** Runs `work` in the page and returns the EngineError code it failed with (or 'resolved'). */
export type ErrorOutcome = EngineErrorCode | 'resolved' | `untyped: ${string}`;
