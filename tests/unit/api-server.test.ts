import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiServer, TEST_LM, type ApiServer } from '../../tools/api-server.js';

// The local API server spoken to by the official client: if it streams, lists and refuses the way
// the real protocol does, the node's own client (and Ollama, vLLM, hosted APIs) see the same.
let server: ApiServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startApiServer({ keys: ['test-key'] });
  client = new OpenAI({ baseURL: server.baseUrl, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => server?.close());

test('lists the test LM', async () => {
  const models = [];
  for await (const model of client.models.list()) models.push(model.id);
  expect(models).toEqual([TEST_LM]);
});

test('streams a chat completion that matches the whole one, with a token count', async () => {
  const prompt = 'Explain consensus in one line:';
  const stream = await client.chat.completions.create({
    model: TEST_LM,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 12,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
  const pieces: string[] = [];
  let tokens: number | undefined;
  let finish: string | null | undefined;
  for await (const chunk of stream) {
    const piece = chunk.choices[0]?.delta.content;
    if (piece) pieces.push(piece);
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) tokens = chunk.usage.completion_tokens;
  }
  expect(pieces.length).toBeGreaterThan(1);
  expect(tokens).toBe(12);
  expect(finish).toBe('length');

  const whole = await client.chat.completions.create({ model: TEST_LM, messages: [{ role: 'user', content: prompt }], max_tokens: 12, temperature: 0 });
  expect(whole.choices[0]!.message.content).toBe(pieces.join(''));
  expect(whole.usage?.completion_tokens).toBe(12);
});

test('a wrong key is refused with 401, an unknown model with 404', async () => {
  const stranger = new OpenAI({ baseURL: server.baseUrl, apiKey: 'wrong', maxRetries: 0 });
  await expect(stranger.models.list()).rejects.toBeInstanceOf(AuthenticationError);
  await expect(
    client.chat.completions.create({ model: 'no/such-model', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 }),
  ).rejects.toBeInstanceOf(NotFoundError);
});

test('a cancelled stream stops the generation and the server goes on answering', async () => {
  const abort = new AbortController();
  const stream = await client.chat.completions.create(
    { model: TEST_LM, messages: [{ role: 'user', content: 'Count:' }], max_tokens: 400, temperature: 0, stream: true },
    { signal: abort.signal },
  );
  let pieces = 0;
  // The client ends its iteration quietly on abort; the server must notice the closed connection.
  await (async () => {
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces++;
      if (pieces === 3) abort.abort();
    }
  })().catch(() => undefined);
  expect(pieces).toBeLessThan(400);
  await expect.poll(() => server.cancelled, { timeout: 5_000 }).toBe(1);
  const after = await client.chat.completions.create({ model: TEST_LM, messages: [{ role: 'user', content: 'Still here?' }], max_tokens: 3, temperature: 0 });
  expect(after.usage?.completion_tokens).toBe(3);
});

test('answers CORS preflights so pages on other origins can call it', async () => {
  const response = await fetch(`${server.baseUrl}/chat/completions`, {
    method: 'OPTIONS',
    headers: { origin: 'http://example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
});

test("response_format json_schema constrains the answer; a schema outside the subset is a 400 naming it", async () => {
  const schema = { type: 'object', properties: { colour: { type: 'string', maxLength: 10 } }, required: ['colour'], additionalProperties: false };
  const answer = await client.chat.completions.create({
    model: TEST_LM,
    messages: [{ role: 'user', content: 'Name a colour' }],
    max_tokens: 30,
    temperature: 0,
    response_format: { type: 'json_schema', json_schema: { name: 'colour', strict: true, schema } },
  });
  const value = JSON.parse(answer.choices[0]!.message.content!) as Record<string, unknown>;
  expect(Object.keys(value)).toEqual(['colour']);
  expect(typeof value.colour).toBe('string');

  const refused = await client.chat.completions
    .create({ model: TEST_LM, messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { n: { type: 'number', minimum: 1 } } } } } })
    .then(() => undefined, (error: unknown) => error);
  expect(refused).toBeInstanceOf(BadRequestError);
  expect((refused as BadRequestError).message).toContain('response_format.json_schema.schema.properties.n.minimum is not supported for type number');
});
