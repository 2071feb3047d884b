/**
 * A local OpenAI-compatible server for the test LM: `GET /v1/models`, `POST /v1/chat/completions`
 * (streamed as server-sent events, or whole), bearer auth when keys are given, CORS so a page on
 * another origin can call it. OpenAI's `response_format` `json_schema` (the schema subset requests carry)
 * constrains decoding as in-page engines do. It generates with the same runtime and the same files as the in-page
 * engine (transformers.js, `models/`), and the prompt is the user's text as is (the test LM has no
 * chat template), so at temperature 0 its answers match those of browser nodes.
 *
 *   const server = await startApiServer({ keys: ['secret'] });  // server.baseUrl ends in /v1
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createProgressAggregator } from '../src/engines/progress.js';
import { loadTextGenerationRuntime, type TextGenerationRuntime } from '../src/engines/text-generation-runtime.js';
import { llmModel } from '../src/engines/models.js';
import { checkResponseSchema, type ObjectSchema } from '../src/protocol/json-schema.js';

export interface ApiServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted bearer keys; none: no auth. */
  keys?: readonly string[];
  /** transformers.js LLM ids served (default: the test LM). */
  models?: readonly string[];
  /** Directory holding the model files (default: the repo's `models/`). */
  modelsDir?: string;
}

export interface ApiServer {
  /** e.g. `http://127.0.0.1:8090/v1`, what a client takes as its base URL. */
  baseUrl: string;
  /** Chat completions answered (streamed or not). */
  readonly completions: number;
  /** Streamed completions stopped because the client went away. */
  readonly cancelled: number;
  close(): Promise<void>;
}

export const TEST_LM = 'rakis-test/lm-mini';
const MAX_BODY_BYTES = 64 * 1024;
const MAX_TOKENS = 512;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-max-age': '600',
};

interface ChatBody {
  model: string;
  prompt: string;
  maxTokens: number;
  temperature: number;
  seed: number | undefined;
  stream: boolean;
  usage: boolean;
  responseSchema: ObjectSchema | undefined;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const modelsDir = options.modelsDir ?? fileURLToPath(new URL('../models/', import.meta.url));
  const runtimes = new Map<string, TextGenerationRuntime>();
  for (const id of options.models ?? [TEST_LM]) {
    const model = llmModel(id);
    if (model?.backend !== 'transformers') throw new Error(`${id} is no transformers.js LLM`);
    runtimes.set(id, await loadTextGenerationRuntime({ model, device: 'wasm', location: { modelBaseUrl: modelsDir }, progress: createProgressAggregator(undefined) }));
  }
  const keys = new Set(options.keys ?? []);
  // One generation at a time: sampling seeds the library's one global generator.
  let queue: Promise<unknown> = Promise.resolve();
  let completions = 0;
  let cancelled = 0;
  const created = Math.floor(Date.now() / 1000);

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) fail(res, 500, 'server_error', String(error));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
    if (req.method === 'OPTIONS') return void res.writeHead(204, CORS).end();
    if (keys.size > 0 && !keys.has(bearer(req.headers.authorization))) {
      return fail(res, 401, 'invalid_api_key', 'Incorrect API key provided.');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const data = [...runtimes.keys()].map((id) => ({ id, object: 'model', created, owned_by: 'rakis-test' }));
      return json(res, 200, { object: 'list', data });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const body = parseChat(await readBody(req));
      if (typeof body === 'string') return fail(res, 400, 'invalid_request_error', body);
      const runtime = runtimes.get(body.model);
      if (!runtime) return fail(res, 404, 'model_not_found', `The model \`${body.model}\` does not exist.`);
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const run = queue.then(() => complete(res, runtime, body, abort.signal));
      queue = run.catch(() => undefined);
      if (await run) completions++;
      else cancelled++;
      return;
    }
    fail(res, 404, 'not_found', `no route ${req.method} ${path}`);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
    get completions() {
      return completions;
    },
    get cancelled() {
      return cancelled;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      for (const runtime of runtimes.values()) await runtime.dispose();
    },
  };
}

/** Resolves false when the client went away before the answer was complete. */
async function complete(res: ServerResponse, runtime: TextGenerationRuntime, body: ChatBody, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const options = { maxTokens: body.maxTokens, temperature: body.temperature, ...(body.seed !== undefined ? { seed: body.seed } : {}), ...(body.responseSchema ? { responseSchema: body.responseSchema } : {}), signal };
  const chunk = (delta: object, finish: string | null) => ({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] });
  if (!body.stream) {
    const result = await runtime.generate(body.prompt, options, () => undefined);
    json(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: finishReason(result.tokens, body) }],
      usage: usage(body.prompt, result.tokens),
    });
    return true;
  }
  res.writeHead(200, { ...CORS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  send(chunk({ role: 'assistant', content: '' }, null));
  try {
    const result = await runtime.generate(body.prompt, options, (piece) => send(chunk({ content: piece }, null)));
    send(chunk({}, finishReason(result.tokens, body)));
    if (body.usage) send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: usage(body.prompt, result.tokens) });
    res.end('data: [DONE]\n\n');
    return true;
  } catch (error) {
    // The client went away (cancelled): nothing to tell it.
    if (signal.aborted) {
      res.end();
      return false;
    }
    send({ error: { message: String((error as Error).message ?? error), type: 'server_error' } });
    res.end();
    return true;
  }
}

function finishReason(tokens: number, body: ChatBody): 'length' | 'stop' {
  return tokens >= body.maxTokens ? 'length' : 'stop';
}

/** Prompt tokens are not counted by the runtime; a rough figure keeps the field's shape. */
function usage(prompt: string, completionTokens: number) {
  const promptTokens = Math.ceil(prompt.length / 4);
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

function parseChat(raw: string | undefined): ChatBody | string {
  if (raw === undefined) return `the request body is over ${MAX_BODY_BYTES} bytes`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return 'the request body is not JSON';
  }
  if (typeof body.model !== 'string') return 'model: a string is required';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: a non-empty array is required';
  const contents: string[] = [];
  for (const message of messages as { role?: unknown; content?: unknown }[]) {
    if (typeof message?.content !== 'string') return 'messages: each message needs string content';
    contents.push(message.content);
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? 64;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > MAX_TOKENS) return `max_tokens: an integer 1..${MAX_TOKENS}`;
  const temperature = body.temperature ?? 1;
  if (typeof temperature !== 'number' || temperature < 0 || temperature > 2) return 'temperature: a number 0..2';
  if (body.seed !== undefined && !Number.isInteger(body.seed)) return 'seed: an integer';
  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  const responseSchema = parseResponseFormat(body.response_format);
  if (typeof responseSchema === 'string') return responseSchema;
  return {
    model: body.model,
    // No chat template: the test LM reads the text the way in-page engines get the request's prompt.
    prompt: contents.join('\n'),
    maxTokens,
    temperature,
    seed: body.seed as number | undefined,
    stream: body.stream === true,
    usage: streamOptions?.include_usage === true,
    responseSchema,
  };
}

/** `{type: 'text'}` or none: free text; `{type: 'json_schema', json_schema: {schema}}`: the schema, if it is one requests may carry. */
function parseResponseFormat(format: unknown): ObjectSchema | undefined | string {
  if (format === undefined || format === null) return undefined;
  const { type, json_schema: jsonSchema } = format as { type?: unknown; json_schema?: { schema?: unknown } };
  if (type === 'text') return undefined;
  if (type !== 'json_schema') return `response_format.type: 'text' or 'json_schema' (this server does not do ${JSON.stringify(type)})`;
  const problem = checkResponseSchema(jsonSchema?.schema, 'response_format.json_schema.schema');
  return problem ?? (jsonSchema!.schema as ObjectSchema);
}

function bearer(header: string | undefined): string {
  return /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  json(res, status, { error: { message, type: status === 401 ? 'invalid_request_error' : code, code } });
}
