// Engines in real Chromium: test models loaded in Web Workers from the local model server.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { EmbeddingEngine } from '../../src/engines/embedding-engine.js';
import type { LoadProgress } from '../../src/engines/progress.js';
import { embeddingModel } from '../../src/protocol/embedding-models.js';
import { launchChromium, newContext } from './support/chromium.js';
import { embedInPage, generateInPage, openEnginesPage, type OpenedPage } from './engines/drive.js';
import { startEnginesServer, type EnginesServer } from './engines/fixture.js';
import { AGREEMENT_TEXTS } from './engines/texts.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
const TOLERANCE = embeddingModel('rakis-test/encoder-mini')!.verifyToleranceBits;

function hamming(a: readonly number[], b: Uint8Array | readonly number[]): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i]! ^ b[i]!;
    for (; x; x &= x - 1) bits++;
  }
  return bits;
}

function maxDisagreement(a: readonly (readonly number[])[], b: readonly (Uint8Array | readonly number[])[]): number {
  return Math.max(...a.map((row, i) => hamming(row, b[i]!)));
}

function expectProgressWellFormed(progress: readonly LoadProgress[]): void {
  expect(progress.length).toBeGreaterThan(1);
  const fractions = progress.map((p) => p.fraction);
  expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
  expect(fractions.filter((f) => f === 1)).toHaveLength(1);
  expect(progress.at(-1)).toMatchObject({ fraction: 1, phase: 'ready' });
  expect(progress.at(-1)!.loadedBytes).toBeGreaterThan(1_000_000);
}

let nodeBinary: Uint8Array[];

beforeAll(async () => {
  const engine = new EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: MODELS, thread: 'main' });
  await engine.load();
  nodeBinary = (await engine.embed(AGREEMENT_TEXTS)).binary;
  await engine.unload();
});

describe('without WebGPU (WASM)', () => {
  let server: EnginesServer;
  let browser: Browser;
  let context: BrowserContext;
  let opened: OpenedPage;

  beforeAll(async () => {
    server = await startEnginesServer();
    browser = await launchChromium();
    context = await newContext(browser);
    opened = await openEnginesPage(context, server.page);
  });
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

  test('the LM generates an answer in a worker, and its embedding comes back', async () => {
    const run = await generateInPage(opened.page, { prompt: 'Return the', maxTokens: 12 });
    expect(run.backend).toBe('transformers-wasm');
    expect(run.text.length).toBeGreaterThan(0);
    expect(run.pieces.join('')).toBe(run.text);
    expectProgressWellFormed(run.progress);
    const again = await generateInPage(opened.page, { prompt: 'Return the', maxTokens: 12 });
    expect(again.text).toBe(run.text);
    const embedded = await embedInPage(opened.page, { texts: [run.text] });
    expect(embedded.binary[0]).toHaveLength(16);
  });

  test('nothing was fetched from any origin but the fixture server', () => {
    expect(opened.foreign).toEqual([]);
    expect(opened.problems).toEqual([]);
  });
});
