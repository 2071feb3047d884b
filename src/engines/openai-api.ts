/**
 * The two calls a node makes to an OpenAI-compatible endpoint (a hosted API, vLLM, llama.cpp's
 * server, Ollama): `GET /models` and streamed `POST /chat/completions`. Every failure becomes an
 * `EngineError` a person can act on: `auth` (wrong key), `rate-limited` (with the wait the server
 * asked for), `timeout`, `network` (unreachable or another HTTP error), `aborted`.
 */
import type { ObjectSchema } from '../protocol/json-schema.js';
import { EngineError } from './errors.js';
import { readSse } from './sse.js';
import { requiresEveryProperty, standardJsonSchema } from './standard-json-schema.js';

export interface ApiEndpoint {
  /** Base URL up to and including the API version, e.g. `https://api.example.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  /** Bearer key; sent only to `baseUrl`, never to peers. */
  key?: string;
  /** Longest wait for an answer to begin, and between two streamed pieces (default 60 s). */
  timeoutMs?: number;
}

export interface ChatParams {
  model: string;
  prompt: string;
  maxTokens: number;
  temperature: number;
  seed?: number;
  /** JSON mode: asked of the endpoint as OpenAI's `response_format` (`json_schema`, strict). */
  responseSchema?: ObjectSchema;
}

export const DEFAULT_API_TIMEOUT_MS = 60_000;
/** Bounds what an endpoint can make us hold: model ids listed, and error bodies read. */
const MAX_MODELS = 256;
const MAX_ERROR_BYTES = 4_096;

/** The model ids the endpoint serves. */
export async function listApiModels(endpoint: ApiEndpoint, signal?: AbortSignal): Promise<string[]> {
  return withDeadline(endpoint, signal, async (deadline) => {
    const response = await apiFetch(endpoint, 'models', { method: 'GET' }, deadline);
    const body = (await response.json().catch(() => undefined)) as { data?: { id?: unknown }[] } | undefined;
    if (!Array.isArray(body?.data)) throw new EngineError('network', `${endpoint.baseUrl}/models did not answer a model list`);
    return body.data
      .map((model) => model?.id)
      .filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 256)
      .slice(0, MAX_MODELS);
  });
}

/**
 * Streams one chat completion of `prompt` (one user message); resolves with the text, its token count,
 * and whether the endpoint stopped at `maxTokens` (`finish_reason: "length"`).
 */
export async function streamChatCompletion(
  endpoint: ApiEndpoint,
  params: ChatParams,
  onText: (piece: string) => void,
  signal?: AbortSignal,
): Promise<{ text: string; tokens: number; cutShort: boolean }> {
  return withDeadline(endpoint, signal, async (deadline) => {
    const response = await apiFetch(
      endpoint,
      'chat/completions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: params.model,
          messages: [{ role: 'user', content: params.prompt }],
          max_tokens: params.maxTokens,
          temperature: params.temperature,
          ...(params.seed !== undefined ? { seed: params.seed } : {}),
          ...(params.responseSchema ? { response_format: responseFormat(params.responseSchema) } : {}),
          stream: true,
          stream_options: { include_usage: true },
        }),
      },
      deadline,
    );
    if (!response.body) throw new EngineError('network', `${endpoint.baseUrl} answered without a body`);
    let text = '';
    let pieces = 0;
    let usage: number | undefined;
    let cutShort = false;
    for await (const event of readSse(response.body)) {
      deadline.extend();
      if (event.data === '[DONE]') break;
      const chunk = parseChunk(event.data);
      if (chunk.error) throw new EngineError('network', `the API failed mid-answer: ${chunk.error}`);
      if (chunk.text) {
        text += chunk.text;
        pieces++;
        onText(chunk.text);
      }
      if (chunk.tokens !== undefined) usage = chunk.tokens;
      if (chunk.finish === 'length') cutShort = true;
    }
    // Servers that report no usage stream about one token per piece.
    return { text, tokens: usage ?? pieces, cutShort };
  });
}

/**
 * OpenAI's `json_schema` response format: standard JSON Schema (every object closed), strict when the
 * schema allows it (strict mode wants every property required); the answer is checked either way.
 */
function responseFormat(schema: ObjectSchema) {
  return { type: 'json_schema', json_schema: { name: 'rakis_answer', strict: requiresEveryProperty(schema), schema: standardJsonSchema(schema) } };
}

interface Deadline {
  signal: AbortSignal;
  /** Restarts the idle timer (a piece arrived). */
  extend(): void;
}

async function withDeadline<T>(endpoint: ApiEndpoint, outer: AbortSignal | undefined, work: (deadline: Deadline) => Promise<T>): Promise<T> {
  const timeoutMs = endpoint.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const stop = () => controller.abort();
  if (outer?.aborted) throw new EngineError('aborted', 'aborted');
  outer?.addEventListener('abort', stop, { once: true });
  arm();
  try {
    return await work({ signal: controller.signal, extend: arm });
  } catch (error) {
    if (outer?.aborted) throw new EngineError('aborted', 'aborted', { cause: error });
    if (timedOut) throw new EngineError('timeout', `${endpoint.baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s`, { cause: error });
    if (error instanceof EngineError) throw error;
    throw new EngineError('network', `cannot reach ${endpoint.baseUrl}: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', stop);
  }
}

async function apiFetch(endpoint: ApiEndpoint, path: string, init: RequestInit, deadline: Deadline): Promise<Response> {
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/${path}`;
  const headers = new Headers(init.headers);
  if (endpoint.key) headers.set('authorization', `Bearer ${endpoint.key}`);
  // No credentials: the endpoint gets the key we send and nothing of the page's own cookies.
  const response = await fetch(url, { ...init, headers, signal: deadline.signal, credentials: 'omit' });
  if (response.ok) return response;
  const detail = await errorDetail(response);
  const status = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    throw new EngineError('auth', `${endpoint.baseUrl} refused the key (${status}); check the API key`);
  }
  if (response.status === 429) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    const wait = retryAfterMs === undefined ? '' : `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s`;
    throw new EngineError('rate-limited', `${endpoint.baseUrl} is rate-limiting this key (${status})${wait}`, {
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  throw new EngineError(response.status === 404 ? 'unknown-model' : 'network', `${url} answered ${status}`);
}

/** The `error.message` of an OpenAI-style error body, or its first bytes. */
async function errorDetail(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BYTES);
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } | string }).error;
    const said = typeof message === 'string' ? message : message?.message;
    if (typeof said === 'string') return said.slice(0, 300);
  } catch {
    // Not JSON: the plain text says it.
  }
  return text.trim().slice(0, 300);
}

/** `Retry-After` as seconds or an HTTP date. */
export function retryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseChunk(data: string): { text?: string; tokens?: number; finish?: unknown; error?: string } {
  let chunk: {
    choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
    usage?: { completion_tokens?: unknown } | null;
    error?: { message?: unknown };
  };
  try {
    chunk = JSON.parse(data) as typeof chunk;
  } catch {
    throw new EngineError('network', 'the API streamed something that is not JSON');
  }
  const content = chunk.choices?.[0]?.delta?.content;
  const tokens = chunk.usage?.completion_tokens;
  return {
    finish: chunk.choices?.[0]?.finish_reason,
    ...(typeof content === 'string' ? { text: content } : {}),
    ...(typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0 ? { tokens } : {}),
    ...(chunk.error ? { error: String(chunk.error.message ?? 'unknown error') } : {}),
  };
}
