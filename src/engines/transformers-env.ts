/**
 * Points transformers.js at a site's own files: models under `modelBaseUrl` (no hub), onnxruntime's
 * `.wasm` under `wasmBaseUrl` (no CDN), fetches bound to the current load's AbortSignal, and error
 * pages turned into typed errors before anything can cache them.
 */
import { EngineError } from './errors.js';

export interface ModelLocation {
  /**
   * Base holding `<model path>/config.json`, `tokenizer.json`, `onnx/model*.onnx`: a URL in browsers
   * (e.g. `https://example.org/models/`), a directory in Node. Unset: the Hugging Face hub.
   */
  modelBaseUrl?: string;
  /** Directory URL serving onnxruntime-web's `ort-wasm-simd-threaded.asyncify.wasm`. Unset: the copy the bundler emitted. */
  wasmBaseUrl?: string;
  /** Keep downloaded files in the Cache API (default true where it exists). */
  browserCache?: boolean;
}

/** The file onnxruntime-web's WebGPU build loads (its JS glue is bundled, so only this is fetched). */
export const ORT_WASM_FILE = 'ort-wasm-simd-threaded.asyncify.wasm';
/** Cache API bucket transformers.js uses; shared so one `clearModelCache` empties both. */
export const TRANSFORMERS_CACHE = 'transformers-cache';

type TransformersModule = typeof import('@huggingface/transformers');

let activeSignal: AbortSignal | undefined;

/** Binds library fetches to `signal` until the returned function is called. */
export function bindFetchSignal(signal: AbortSignal | undefined): () => void {
  activeSignal = signal;
  return () => {
    if (activeSignal === signal) activeSignal = undefined;
  };
}

const isWeb = typeof (globalThis as { document?: unknown }).document !== 'undefined' || typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

async function guardedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const response = await fetch(input, { ...init, ...(activeSignal ? { signal: activeSignal } : {}) });
  // 404 stays a response: transformers.js turns it into ModelFileNotFoundError (→ file-missing).
  if (!response.ok && response.status !== 404) {
    throw new EngineError('network', `HTTP ${response.status} for ${url}`);
  }
  // A dev server's SPA fallback answers 200 text/html for any path; that is no model file.
  if (response.ok && /^text\/html/i.test(response.headers.get('content-type') ?? '')) {
    throw new EngineError('file-missing', `${url} answered an HTML page, not a model file`);
  }
  return response;
}

let hubDefaults: { remoteHost: string; remotePathTemplate: string } | undefined;

export function configureTransformers(transformers: TransformersModule, location: ModelLocation): void {
  const { env } = transformers;
  hubDefaults ??= { remoteHost: env.remoteHost, remotePathTemplate: env.remotePathTemplate };
  const base = location.modelBaseUrl === undefined ? undefined : ensureTrailingSlash(absolute(location.modelBaseUrl));
  if (base === undefined) {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    Object.assign(env, hubDefaults);
  } else if (/^https?:/i.test(base)) {
    // A URL base is the "remote host" with a flat layout: transformers.js' local-path mode skips its
    // file-existence checks for URLs (and then finds no tokenizer), its remote mode does not.
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = base;
    env.remotePathTemplate = '{model}/';
    // Cache lookups also try `localModelPath + file`; its default '/models/' would match another base.
    env.localModelPath = base;
  } else {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = base;
  }
  env.useBrowserCache = isWeb && (location.browserCache ?? true) && typeof caches !== 'undefined';
  env.cacheKey = TRANSFORMERS_CACHE;
  env.fetch = guardedFetch as typeof env.fetch;
  const wasm = env.backends.onnx.wasm;
  if (wasm && isWeb) {
    // transformers.js points wasmPaths at a CDN at import time; replace or clear it. Without an `mjs`
    // entry its blob-URL factory caching (blocked by a strict CSP) is skipped: the glue is bundled.
    wasm.wasmPaths = location.wasmBaseUrl !== undefined
      ? { wasm: new URL(ORT_WASM_FILE, ensureTrailingSlash(absolute(location.wasmBaseUrl))).href }
      : undefined;
    wasm.proxy = false;
  }
}

/**
 * Loads onnxruntime's wasm binary through the Cache API (so a second load needs no network) and hands
 * it to onnxruntime directly.
 */
export async function preloadOrtWasm(transformers: TransformersModule, location: ModelLocation): Promise<void> {
  const wasm = transformers.env.backends.onnx.wasm;
  if (!isWeb || !wasm || wasm.wasmBinary || location.wasmBaseUrl === undefined) return;
  const url = new URL(ORT_WASM_FILE, ensureTrailingSlash(absolute(location.wasmBaseUrl))).href;
  const cache = transformers.env.useBrowserCache ? await caches.open(TRANSFORMERS_CACHE).catch(() => undefined) : undefined;
  let response = await cache?.match(url);
  if (!response) {
    response = await guardedFetch(url);
    if (response.status === 404) throw new EngineError('file-missing', `onnxruntime wasm missing at ${url}`);
    await cache?.put(url, response.clone()).catch(() => undefined);
  }
  wasm.wasmBinary = await response.arrayBuffer();
}

/** Deletes the libraries' cached model files (transformers.js bucket; WebLLM's are cleared by its engine). */
export async function clearTransformersCache(): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(TRANSFORMERS_CACHE);
}

function absolute(base: string): string {
  const href = (globalThis as { location?: { href: string } }).location?.href;
  if (!isWeb || !href || /^[a-z][a-z0-9+.-]*:/i.test(base)) return base;
  return new URL(base, href).href;
}

function ensureTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
