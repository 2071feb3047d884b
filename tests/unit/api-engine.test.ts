import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiLlmEngine } from '../../src/engines/api-llm-engine.js';
import { EngineError } from '../../src/engines/errors.js';
import { llmModel } from '../../src/engines/models.js';
import { createProgressAggregator } from '../../src/engines/progress.js';
import { readSse } from '../../src/engines/sse.js';
import { loadTextGenerationRuntime } from '../../src/engines/text-generation-runtime.js';
import { readJsonAnswer } from '../../src/protocol/json-answer-check.js';
import type { ObjectSchema } from '../../src/protocol/json-schema.js';
import { withRememberedApiKey } from '../../src/node/api-key-vault.js';
import { createMemoryStore } from '../../src/store/index.js';
import { openSealedSecret, sealSecret } from '../../src/store/secret-vault.js';
import { startApiServer, TEST_LM, type ApiServer } from '../../tools/api-server.js';

const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

async function failure(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

/** A scripted endpoint: `answer` writes each response; `calls` counts the requests. */
async function stubServer(answer: (res: ServerResponse, call: number, path: string) => void): Promise<{ baseUrl: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => answer(res, ++calls, new URL(req.url ?? '/', 'http://x').pathname));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const ANSWER_SCHEMA: ObjectSchema = {
  type: 'object',
  properties: { answer: { type: 'string', maxLength: 12 }, sure: { type: 'boolean' } },
  required: ['answer', 'sure'],
};
const MODEL_LIST = JSON.stringify({ object: 'list', data: [{ id: TEST_LM }] });
const sseChunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;

describe('against the local API server', () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({ keys: ['right'] });
  });
  afterAll(() => server?.close());

  test('streams the same greedy text as the in-page runtime, with its token count', async () => {
    const engine = new ApiLlmEngine(TEST_LM, { baseUrl: server.baseUrl, key: 'right' });
    await engine.load();
    expect(engine.status).toBe('ready');
    const prompt = 'A network of browser tabs';
    const stream = engine.generate(prompt, { maxTokens: 16, temperature: 0 });
    const pieces: string[] = [];
    for await (const piece of stream) pieces.push(piece);
    const result = await stream.result;
    expect(result.text).toBe(pieces.join(''));
    expect(result.tokens).toBe(16);

    const runtime = await loadTextGenerationRuntime({ model: llmModel(TEST_LM) as never, device: 'wasm', location: { modelBaseUrl: MODELS_DIR }, progress: createProgressAggregator(undefined) });
    const local = await runtime.generate(prompt, { maxTokens: 16, temperature: 0 }, () => undefined);
    await runtime.dispose();
    expect(result.text).toBe(local.text);
  });

  test('JSON mode: the endpoint is asked for the schema and answers what the in-page runtime does', async () => {
    const engine = new ApiLlmEngine(TEST_LM, { baseUrl: server.baseUrl, key: 'right' });
    await engine.load();
    const prompt = 'Name a colour';
    const options = { maxTokens: 40, temperature: 0, responseSchema: ANSWER_SCHEMA };
    const result = await engine.generate(prompt, options).result;
    expect(readJsonAnswer(result.text, ANSWER_SCHEMA)).toHaveProperty('value');

    const runtime = await loadTextGenerationRuntime({ model: llmModel(TEST_LM) as never, device: 'wasm', location: { modelBaseUrl: MODELS_DIR }, progress: createProgressAggregator(undefined) });
    const local = await runtime.generate(prompt, options, () => undefined);
    await runtime.dispose();
    expect(result.text).toBe(local.text);
  });

  test('a wrong key fails the load with an explained auth error', async () => {
    const engine = new ApiLlmEngine(TEST_LM, { baseUrl: server.baseUrl, key: 'wrong' });
    const error = await failure(engine.load());
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(/refused the key \(HTTP 401: Incorrect API key/);
  });

  test('a model the endpoint does not list fails the load', async () => {
    const error = await failure(new ApiLlmEngine('other/model', { baseUrl: server.baseUrl, key: 'right' }).load());
    expect(error.code).toBe('unknown-model');
    expect(error.message).toContain(TEST_LM);
  });

  test('cancelling a generation rejects it as aborted and the engine keeps serving', async () => {
    const engine = new ApiLlmEngine(TEST_LM, { baseUrl: server.baseUrl, key: 'right' });
    await engine.load();
    const abort = new AbortController();
    const stream = engine.generate('Count:', { maxTokens: 400, signal: abort.signal });
    let pieces = 0;
    const iterate = (async () => {
      for await (const _ of stream) if (++pieces === 2) abort.abort();
    })();
    expect((await failure(iterate)).code).toBe('aborted');
    expect((await engine.generate('Again', { maxTokens: 2 }).result).tokens).toBe(2);
  });
});

test('an unreachable endpoint is a network error naming it', async () => {
  const stub = await stubServer(() => undefined);
  await stub.close();
  const error = await failure(new ApiLlmEngine(TEST_LM, { baseUrl: stub.baseUrl }).load());
  expect(error.code).toBe('network');
  expect(error.message).toContain(`cannot reach ${stub.baseUrl}`);
});

test('an endpoint that stops streaming times out', async () => {
  const stub = await stubServer((res, _call, path) => {
    if (path.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(MODEL_LIST);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(sseChunk('one'));
  });
  const engine = new ApiLlmEngine(TEST_LM, { baseUrl: stub.baseUrl, timeoutMs: 300 });
  await engine.load();
  const error = await failure(engine.generate('x').result);
  expect(error.code).toBe('timeout');
  expect(engine.status).toBe('ready');
  await stub.close();
});

test('a short Retry-After is waited out once; a long one fails the job and says how long', async () => {
  let limitFor = '0.2';
  const stub = await stubServer((res, call, path) => {
    if (path.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(MODEL_LIST);
    if (call % 2 === 0) return void res.writeHead(429, { 'retry-after': limitFor, 'content-type': 'application/json' }).end('{"error":{"message":"Rate limit reached"}}');
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`${sseChunk('fine')}data: {"choices":[],"usage":{"completion_tokens":1}}\n\ndata: [DONE]\n\n`);
  });
  const engine = new ApiLlmEngine(TEST_LM, { baseUrl: stub.baseUrl });
  await engine.load();
  expect(await engine.generate('x').result).toEqual({ text: 'fine', tokens: 1 });
  limitFor = '120';
  const error = await failure(engine.generate('x').result);
  expect(error.code).toBe('rate-limited');
  expect(error.retryAfterMs).toBe(120_000);
  expect(error.message).toMatch(/rate-limiting this key \(HTTP 429: Rate limit reached\); it asks to wait 120 s/);
  await stub.close();
});

test('an endpoint that ignores the JSON schema fails the job as off-schema and keeps serving', async () => {
  const stub = await stubServer((res, _call, path) => {
    if (path.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(MODEL_LIST);
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`${sseChunk('{"answer": "red"}')}data: [DONE]\n\n`);
  });
  const engine = new ApiLlmEngine(TEST_LM, { baseUrl: stub.baseUrl });
  await engine.load();
  const error = await failure(engine.generate('x', { responseSchema: ANSWER_SCHEMA }).result);
  expect(error.code).toBe('off-schema');
  expect(error.message).toBe(`${stub.baseUrl} ignored the JSON schema: $.sure is required`);
  expect(engine.status).toBe('ready');
  expect((await engine.generate('x').result).text).toBe('{"answer": "red"}');
  await stub.close();
});

test('a JSON answer cut short at max_tokens says so', async () => {
  const stub = await stubServer((res, _call, path) => {
    if (path.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(MODEL_LIST);
    const end = `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`${sseChunk('{"answer": "re')}${end}data: [DONE]\n\n`);
  });
  const engine = new ApiLlmEngine(TEST_LM, { baseUrl: stub.baseUrl });
  await engine.load();
  const error = await failure(engine.generate('x', { responseSchema: ANSWER_SCHEMA, maxTokens: 8 }).result);
  expect(error.code).toBe('off-schema');
  expect(error.message).toBe(`${stub.baseUrl} stopped at the request's 8 tokens before its JSON answer was complete: the answer is not JSON`);
  await stub.close();
});

test('a key refused mid-work makes the engine unhealthy', async () => {
  const stub = await stubServer((res, _call, path) => {
    if (path.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(MODEL_LIST);
    res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":{"message":"key revoked"}}');
  });
  const engine = new ApiLlmEngine(TEST_LM, { baseUrl: stub.baseUrl, key: 'k' });
  await engine.load();
  expect((await failure(engine.generate('x').result)).code).toBe('auth');
  expect(engine.status).toBe('unhealthy');
  await stub.close();
});

test('server-sent events split anywhere, with CRLF, comments and multi-line data', async () => {
  const text = ': keep-alive\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: x\ndata: two\n\ndata: [DONE]\n\n';
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
      controller.close();
    },
  });
  const events = [];
  for await (const event of readSse(body)) events.push(event);
  expect(events).toEqual([
    { event: undefined, data: '{"a":\n1}' },
    { event: 'x', data: 'two' },
    { event: undefined, data: '[DONE]' },
  ]);
});

test('a line without end past the bound fails instead of growing', async () => {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(1024).fill(97));
    },
  });
  await expect((async () => {
    for await (const _ of readSse(body, 8 * 1024));
  })()).rejects.toThrow(/longer than 8192 bytes/);
});

describe('the key in the store', () => {
  test('is sealed: the wrong password does not open it, the label binds it', async () => {
    const sealed = await sealSecret('sk-secret', 'api-key:http://a/v1', 'pw');
    expect(JSON.stringify(sealed)).not.toContain('sk-secret');
    expect(await openSealedSecret(sealed, 'pw')).toBe('sk-secret');
    await expect(openSealedSecret(sealed, 'other')).rejects.toMatchObject({ code: 'wrong-password' });
    await expect(openSealedSecret({ ...sealed, label: 'api-key:http://b/v1' }, 'pw')).rejects.toMatchObject({ code: 'wrong-password' });
  });

  test('is kept only with a password, and read back for the same endpoint', async () => {
    const store = createMemoryStore();
    const api = { baseUrl: 'http://127.0.0.1:1/v1' };
    await withRememberedApiKey({ models: [], embeddingModels: [], api: { ...api, key: 'sk-1' } }, store, undefined);
    expect(await store.loadSettings()).toBeUndefined();

    await withRememberedApiKey({ models: [], embeddingModels: [], api: { ...api, key: 'sk-1' } }, store, 'pw');
    expect(JSON.stringify(await store.loadSettings())).not.toContain('sk-1');
    const back = await withRememberedApiKey({ models: [], embeddingModels: [], api }, store, 'pw');
    expect(back.api?.key).toBe('sk-1');
    const elsewhere = await withRememberedApiKey({ models: [], embeddingModels: [], api: { baseUrl: 'http://other/v1' } }, store, 'pw');
    expect(elsewhere.api?.key).toBeUndefined();
  });
});

test('RakisNode.contribute seals the key with the node password and reads it back for the same endpoint', async () => {
  const { RakisNode } = await import('../../src/node/index.js');
  const store = createMemoryStore();
  const keysSeen: (string | undefined)[] = [];
  const node = await RakisNode.create({
    store,
    password: 'pw',
    transports: [],
    engineLoader: async (options) => {
      keysSeen.push(options.api?.key);
      return { generators: [], embedders: [] };
    },
  });
  const api = { baseUrl: 'http://127.0.0.1:1/v1' };
  await node.contribute({ models: [], embeddingModels: [], api: { ...api, key: 'sk-node' } });
  await node.contribute({ models: [], embeddingModels: [], api });
  expect(keysSeen).toEqual(['sk-node', 'sk-node']);
  expect(JSON.stringify(await store.loadSettings())).not.toContain('sk-node');
  await node.stop();
});
