/**
 * Typed engine failures. Each failure a host can act on has its own code; everything crosses the
 * worker boundary as `{code, message}` and is rebuilt as an `EngineError` on the other side.
 */
export type EngineErrorCode =
  /** No WebGPU adapter (or no `navigator.gpu`): the WebLLM backend cannot run here. */
  | 'no-webgpu'
  /** The GPU device was lost mid-work; the engine is unhealthy until reloaded. */
  | 'adapter-lost'
  | 'out-of-memory'
  /** A model file answered 404 (or was never there). */
  | 'file-missing'
  /** A model file arrived but does not parse (truncated, wrong format, an HTML error page). */
  | 'file-corrupt'
  /** The browser refused to store weights (Cache API / IndexedDB quota). */
  | 'quota-exceeded'
  | 'network'
  | 'aborted'
  /** The engine produced garbage or lost its device and refuses further work. */
  | 'unhealthy'
  | 'not-loaded'
  | 'unknown-model'
  | 'unsupported'
  /** An API endpoint refused the key (HTTP 401 or 403). */
  | 'auth'
  /** An API endpoint asked to slow down (HTTP 429); `retryAfterMs` says for how long when it said. */
  | 'rate-limited'
  /** An API endpoint did not answer (or stopped streaming) in time. */
  | 'timeout'
  /** An API endpoint answered a JSON-mode request with text that does not fit its schema (it ignores `response_format`, or stopped at `max_tokens`). */
  | 'off-schema'
  | 'internal';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  /** For `rate-limited`: how long the endpoint asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export interface SerializedEngineError {
  code: EngineErrorCode;
  message: string;
}

export function serializeEngineError(error: EngineError): SerializedEngineError {
  return { code: error.code, message: error.message };
}

export function deserializeEngineError(error: SerializedEngineError): EngineError {
  return new EngineError(error.code, error.message);
}

/**
 * Maps what the libraries throw (transformers.js, onnxruntime, WebLLM, fetch, the Cache API) to a code.
 * The libraries throw plain `Error`s, so this goes by name and message; unknown failures stay `internal`.
 */
export function toEngineError(error: unknown, signal?: AbortSignal): EngineError {
  if (error instanceof EngineError) return error;
  if (signal?.aborted) return new EngineError('aborted', 'aborted', { cause: error });
  const name = error instanceof Error || isDomException(error) ? (error as Error).name : '';
  const message = error instanceof Error ? error.message : String(error);
  const code = classify(name, message);
  return new EngineError(code, message || name || 'engine failure', { cause: error });
}

function classify(name: string, message: string): EngineErrorCode {
  if (name === 'AbortError') return 'aborted';
  if (name === 'QuotaExceededError' || /quota/i.test(message)) return 'quota-exceeded';
  // WebLLM stores files with `cache.add`, which rejects "Request failed" on a 404 (or any non-2xx).
  if (name === 'ModelFileNotFoundError' || /not found locally|file was not found|404|'add' on 'Cache': Request failed/i.test(message)) {
    return 'file-missing';
  }
  if (/device (was )?lost|device is lost|GPUDevice.*lost|DXGI_ERROR_DEVICE/i.test(message)) return 'adapter-lost';
  if (/\bOOM\b/.test(message) || /out of memory|Array buffer allocation failed|Cannot allocate|bad_alloc|memory access out of bounds/i.test(message)) {
    return 'out-of-memory';
  }
  if (/protobuf parsing failed|Failed to load model|invalid model|Unexpected token|is not valid JSON|JSON\.parse|Unexpected end of JSON|Load model .* failed|ERROR_CODE: 7/i.test(message)) {
    return 'file-corrupt';
  }
  if (/Failed to fetch|NetworkError|fetch failed|ECONNREFUSED|ENOTFOUND/i.test(message)) return 'network';
  if (/WebGPU is not supported|navigator\.gpu|no (suitable )?adapter|requestAdapter/i.test(message)) return 'no-webgpu';
  return 'internal';
}

function isDomException(value: unknown): boolean {
  return typeof DOMException !== 'undefined' && value instanceof DOMException;
}

/** Throws the `aborted` error if the signal fired; call between awaited steps. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('aborted', 'aborted');
}
