// The real transformers.js loading path (onnxruntime-node in Node) on the committed test models.
import { cp, mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { binarize } from '../../src/consensus/binary-embedding.js';
import { hammingDistance as hamming } from '../../src/consensus/hamming.js';
import { EmbeddingEngine } from '../../src/engines/embedding-engine.js';
import { EngineError } from '../../src/engines/errors.js';
import type { LoadProgress } from '../../src/engines/progress.js';
import { TransformersLlmEngine } from '../../src/engines/transformers-llm-engine.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));

describe('rakis-test/encoder-mini in Node', () => {
  const engine = new EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: MODELS, thread: 'main' });
  const progress: LoadProgress[] = [];
  beforeAll(() => engine.load({ onProgress: (p) => progress.push(p) }));
  afterAll(() => engine.unload());

  test('loads through transformers.js and reports progress ending at 1', () => {
    expect(engine.status).toBe('ready');
    expect(progress.at(-1)?.fraction).toBe(1);
  });

  test('embeds to normalized 128-dim vectors and their sign bits, deterministically', async () => {
    const texts = ['Return the number of items in the list.', 'Open the file for reading.'];
    const first = await engine.embed(texts);
    const again = await engine.embed(texts);
    expect(first.dims).toBe(128);
    expect(first.vectors.map((v) => v.length)).toEqual([128, 128]);
    for (const v of first.vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(first.binary.map((b) => b.length)).toEqual([16, 16]);
    expect(first.binary[0]).toEqual(binarize(first.vectors[0]!));
    expect(again.vectors).toEqual(first.vectors);
    const prefix = await engine.embed(texts, { dims: 64 });
    expect(prefix.binary[0]).toEqual(first.binary[0]!.slice(0, 8));
  });

  test('paraphrases land closer than unrelated texts', async () => {
    const { binary } = await engine.embed([
      'Return the number of items in the list.',
      'Return the number of list items.',
      'Raise an error if the socket is closed.',
    ]);
    const [a, b, c] = binary as [Uint8Array, Uint8Array, Uint8Array];
    expect(hamming(a, b)).toBeLessThan(hamming(a, c));
  });

  test('an unknown dims prefix is refused', async () => {
    await expect(engine.embed(['x'], { dims: 96 })).rejects.toMatchObject({ code: 'unsupported' });
    expect(engine.status).toBe('ready');
  });
});

describe('rakis-test/lm-mini in Node', () => {
  const engine = new TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: MODELS, thread: 'main' });
  beforeAll(() => engine.load());
  afterAll(() => engine.unload());

  test('greedy generation is deterministic and streams its text', async () => {
    const stream = engine.generate('Return the', { maxTokens: 16, temperature: 0 });
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    const text = await stream.text;
    expect(text.length).toBeGreaterThan(0);
    expect(pieces.join('')).toBe(text);
    expect(await engine.generate('Return the', { maxTokens: 16, temperature: 0 }).text).toBe(text);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
  });

  test('seeded sampling replays; maxTokens bounds the output', async () => {
    const a = await engine.generate('The file', { maxTokens: 12, temperature: 1, seed: 7 }).text;
    const b = await engine.generate('The file', { maxTokens: 12, temperature: 1, seed: 7 }).text;
    expect(a).toBe(b);
    const one = await engine.generate('The file', { maxTokens: 1 }).result;
    expect(one.tokens).toBe(1);
    expect((await engine.generate('The file', { maxTokens: 9 }).result).tokens).toBe(9);
  });

  test('aborting a generation rejects with aborted and leaves the engine ready', async () => {
    const controller = new AbortController();
    const stream = engine.generate('Return the', { maxTokens: 200, signal: controller.signal });
    let pieces = 0;
    const consumed = (async () => {
      for await (const _ of stream) {
        pieces++;
        controller.abort();
      }
    })();
    await expect(consumed).rejects.toMatchObject({ code: 'aborted' });
    await expect(stream.text).rejects.toMatchObject({ code: 'aborted' });
    expect(pieces).toBeGreaterThan(0);
    expect(pieces).toBeLessThan(20);
    expect(engine.status).toBe('ready');
    const early = new AbortController();
    early.abort();
    await expect(engine.generate('Return the', { signal: early.signal }).text).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('broken model files give typed errors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rakis-models-'));
    await cp(join(MODELS, 'rakis-test'), join(dir, 'rakis-test'), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('a missing weights file is file-missing', async () => {
    await rm(join(dir, 'rakis-test/encoder-mini/onnx/model.onnx'));
    const engine = new EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: dir, thread: 'main' });
    const error = await engine.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'file-missing' });
    expect(engine.status).toBe('idle');
  });

  test('a truncated weights file is file-corrupt', async () => {
    await truncate(join(dir, 'rakis-test/lm-mini/onnx/model.onnx'), 100_000);
    const engine = new TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: dir, thread: 'main' });
    await expect(engine.load()).rejects.toMatchObject({ code: 'file-corrupt' });
  });

  test('an unknown model id is refused up front', () => {
    expect(() => new EmbeddingEngine('nobody/nothing')).toThrowError(/no embedding model/);
  });
});
