import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { EngineLifecycle, type EngineStatus } from '../../src/engines/engine-lifecycle.js';
import { assessCapabilities, type CapabilityProbe } from '../../src/engines/capabilities.js';
import { prepareVector } from '../../src/engines/embedding-runtime.js';
import { EngineError, toEngineError } from '../../src/engines/errors.js';
import { createGenerationStream } from '../../src/engines/generation-stream.js';
import { EMBEDDING_ENGINE_MODELS, LLM_MODELS } from '../../src/engines/models.js';
import { createProgressAggregator, type LoadProgress } from '../../src/engines/progress.js';
import { checkText } from '../../src/engines/text-generation-runtime.js';
import { webLlmAppConfig } from '../../src/engines/web-llm-config.js';
import { EMBEDDING_MODELS } from '../../src/protocol/embedding-models.js';

describe('progress aggregation', () => {
  test('throttles, never decreases, and ends with exactly one fraction 1', () => {
    let clock = 0;
    const events: LoadProgress[] = [];
    const progress = createProgressAggregator((p) => events.push(p), { intervalMs: 100, now: () => clock });
    progress.file('config.json', 0, 100);
    clock += 10;
    progress.file('config.json', 100, 100); // throttled
    clock += 100;
    progress.file('onnx/model.onnx', 50, 1000); // a new file lowers loaded/total; the fraction must not drop
    clock += 100;
    progress.phase('compile');
    progress.phase('warm-up');
    progress.done();
    progress.done();
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(events.filter((e) => e.fraction === 1)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ fraction: 1, phase: 'ready', loadedBytes: 150, totalBytes: 1100 });
    expect(events.length).toBeLessThan(7);
  });

  test('a library fraction without bytes (WebLLM) maps into the download share', () => {
    const events: LoadProgress[] = [];
    const progress = createProgressAggregator((p) => events.push(p), { intervalMs: 0 });
    progress.fraction(0.5);
    progress.fraction(0.25);
    expect(events.map((e) => e.fraction)).toEqual([0.45, 0.45]);
  });
});

describe('capabilities', () => {
  const base: CapabilityProbe = {
    gpu: { available: false, reason: 'requestAdapter() returned null', software: false, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 },
    wasm: true,
    worker: true,
    deviceMemoryGiB: 8,
    hardwareConcurrency: 4,
  };

  test('without an adapter WebLLM is unavailable with the reason, transformers.js falls back to WASM', () => {
    const caps = assessCapabilities(base);
    expect(caps.backends.webllm).toEqual({ available: false, reason: 'requestAdapter() returned null' });
    expect(caps.preferredLlmBackend).toBe('transformers-wasm');
    expect(caps.llmModels).toContainEqual({ id: 'rakis-test/lm-mini', backend: 'transformers-wasm' });
    expect(caps.llmModels.some((m) => m.backend === 'webllm')).toBe(false);
    expect(caps.role).toBe('worker');
  });

  test('a hardware adapter enables WebLLM models that fit, honouring shader-f16', () => {
    const gpu = { available: true, software: false, shaderF16: false, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 };
    const caps = assessCapabilities({ ...base, gpu, deviceMemoryGiB: 2 });
    expect(caps.preferredLlmBackend).toBe('webllm');
    const webllm = caps.llmModels.filter((m) => m.backend === 'webllm').map((m) => m.id);
    expect(webllm).toContain('Qwen2.5-0.5B-Instruct-q4f16_1-MLC'); // 945 MB ≤ 1024 MB budget
    expect(webllm).not.toContain('SmolLM2-360M-Instruct-q4f16_1-MLC'); // needs shader-f16
    expect(webllm).not.toContain('gemma-2-2b-it-q4f16_1-MLC'); // too big
    expect(caps.llmModels).toContainEqual({ id: 'rakis-test/lm-mini', backend: 'transformers-webgpu' });
  });

  test('a software adapter runs transformers.js on WASM and no WebLLM', () => {
    const gpu = { available: true, software: true, shaderF16: true, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 };
    const caps = assessCapabilities({ ...base, gpu });
    expect(caps.backends.webllm.available).toBe(false);
    expect(caps.backends.webllm.reason).toMatch(/software/);
    expect(caps.backends['transformers-webgpu'].available).toBe(true);
    expect(caps.preferredLlmBackend).toBe('transformers-wasm');
  });

  test('a device that can run nothing is a follower and says why', () => {
    const caps = assessCapabilities({ ...base, wasm: false });
    expect(caps.role).toBe('follower');
    expect(caps.followerReason).toMatch(/WebAssembly/);
    expect(assessCapabilities({ ...base, deviceMemoryGiB: 0.01 }).followerReason).toMatch(/no model fits/);
  });
});

describe('registries', () => {
  test('every embedding engine model matches the protocol registry', () => {
    for (const [id, model] of Object.entries(EMBEDDING_ENGINE_MODELS)) {
      expect(model.spec).toBe(EMBEDDING_MODELS[id]);
    }
    expect(EMBEDDING_ENGINE_MODELS['nomic-ai/nomic-embed-text-v1.5']?.spec.documentPrefix).toBe('search_document: ');
  });

  test('WebLLM records point at a self-hosted base', () => {
    const prebuilt = {
      model_list: [
        { model: 'https://hub.example/mlc-ai/Qwen', model_id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', model_lib: 'https://cdn.example/v0_2_80/Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm' },
        { model: 'https://hub.example/other', model_id: 'other', model_lib: 'https://cdn.example/other.wasm' },
      ],
    };
    const config = webLlmAppConfig(prebuilt, ['Qwen2.5-0.5B-Instruct-q4f16_1-MLC'], 'http://127.0.0.1:1/mlc');
    expect(config.model_list).toEqual([
      {
        model: 'http://127.0.0.1:1/mlc/Qwen2.5-0.5B-Instruct-q4f16_1-MLC/resolve/main/',
        model_id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC',
        model_lib: 'http://127.0.0.1:1/mlc/libs/Qwen2-0.5B-Instruct-q4f16_1_cs1k-webgpu.wasm',
      },
    ]);
    expect(Object.keys(LLM_MODELS)).toContain('Qwen2.5-0.5B-Instruct-q4f16_1-MLC');
  });
});

describe('errors and health', () => {
  test('library failures map to typed codes', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    expect(toEngineError(named('ModelFileNotFoundError', 'file was not found locally')).code).toBe('file-missing');
    expect(toEngineError(new Error("Load model from x failed:Protobuf parsing failed.")).code).toBe('file-corrupt');
    expect(toEngineError(new Error("TypeError: Failed to execute 'add' on 'Cache': Request failed")).code).toBe('file-missing');
    expect(toEngineError(named('QuotaExceededError', 'storage full')).code).toBe('quota-exceeded');
    expect(toEngineError(new Error('Device was lost. reason: unknown')).code).toBe('adapter-lost');
    expect(toEngineError(new Error('Array buffer allocation failed')).code).toBe('out-of-memory');
    expect(toEngineError(new Error('boom'), AbortSignal.abort()).code).toBe('aborted');
    expect(toEngineError(new Error('boom')).code).toBe('internal');
  });

  test('garbage output is unhealthy', () => {
    expect(() => prepareVector(new Float32Array([0, 0, 0, 0, 0, 0, 0, 0]), 8)).toThrowError(EngineError);
    expect(() => prepareVector(new Float32Array(8).fill(Number.NaN), 8)).toThrowError(/non-finite/);
    expect(() => checkText('\u0000\u0001')).toThrowError(/garbage/);
    expect(() => checkText('fine text\n')).not.toThrow();
  });

  test('Matryoshka prefixes are renormalized; layer norm recentres first', () => {
    const v = prepareVector(new Float32Array([3, 4, 100, 100, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]), 8);
    expect(v).toHaveLength(8);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    const centred = prepareVector(new Float32Array([5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6]), 8, true);
    expect([...centred].every((x) => x < 0)).toBe(true);
  });
});

describe('generation stream', () => {
  test('iterates pieces and resolves the full text', async () => {
    const { stream, sink } = createGenerationStream();
    sink.push('a');
    queueMicrotask(() => {
      sink.push('b');
      sink.end({ text: 'ab', tokens: 2 });
    });
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    expect(pieces).toEqual(['a', 'b']);
    await expect(stream.text).resolves.toBe('ab');
    await expect(stream.result).resolves.toEqual({ text: 'ab', tokens: 2 });
  });

  test('a failure reaches both the iterator and the text', async () => {
    const { stream, sink } = createGenerationStream();
    sink.fail(new EngineError('aborted', 'aborted'));
    await expect(stream.text).rejects.toMatchObject({ code: 'aborted' });
    await expect((async () => { for await (const _ of stream) void _; })()).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('engine lifecycle', () => {
  test('garbage or a lost device makes the engine unhealthy; it refuses work until reloaded', async () => {
    const seen: EngineStatus[] = [];
    const lifecycle = new EngineLifecycle((status) => seen.push(status));
    await expect(lifecycle.work(async () => 1)).rejects.toMatchObject({ code: 'not-loaded' });
    await lifecycle.load(async () => undefined);
    await expect(lifecycle.work(async () => 1)).resolves.toBe(1);
    await expect(lifecycle.work(async () => { throw new EngineError('aborted', 'aborted'); })).rejects.toMatchObject({ code: 'aborted' });
    expect(lifecycle.status).toBe('ready');
    await expect(lifecycle.work(async () => { throw new Error('Device was lost'); })).rejects.toMatchObject({ code: 'adapter-lost' });
    expect(lifecycle.status).toBe('unhealthy');
    await expect(lifecycle.work(async () => 1)).rejects.toMatchObject({ code: 'unhealthy' });
    await lifecycle.load(async () => undefined);
    await expect(lifecycle.work(async () => 2)).resolves.toBe(2);
    expect(seen).toEqual(['loading', 'ready', 'busy', 'ready', 'busy', 'ready', 'busy', 'unhealthy', 'loading', 'ready', 'busy', 'ready']);
  });

  test('work runs one unit at a time, in order', async () => {
    const lifecycle = new EngineLifecycle();
    await lifecycle.load(async () => undefined);
    const order: number[] = [];
    const slow = lifecycle.work(async () => { await new Promise((r) => setTimeout(r, 20)); order.push(1); });
    const fast = lifecycle.work(async () => { order.push(2); });
    await Promise.all([slow, fast]);
    expect(order).toEqual([1, 2]);
  });
});

describe('lazy heavy code', () => {
  test('transformers.js and WebLLM are reached only by dynamic import, or from worker entries', async () => {
    const dir = new URL('../../src/engines/', import.meta.url);
    const workerEntries = new Set(['web-llm-worker.ts']);
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.ts') || workerEntries.has(name)) continue;
      const source = await readFile(new URL(name, dir), 'utf8');
      const staticImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*from\s+'(@huggingface\/transformers|@mlc-ai\/web-llm)'/gm)];
      expect(staticImports.map((m) => `${name}: ${m[0]}`)).toEqual([]);
    }
  });
});
