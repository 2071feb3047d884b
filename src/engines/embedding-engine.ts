/**
 * `EmbeddingEngine`: turns texts into the float and binary embeddings a commitment binds, with the
 * model running in Web Workers (or on the page, for comparison and for Node).
 */
import type { TransformersDevice } from './devices.js';
import { ChannelEngine } from './channel-engine.js';
import { defaultThread, type EngineThread } from './engine-channel.js';
import type { EngineStatus, LoadOptions, StatusListener } from './engine-lifecycle.js';
import type { Embeddings } from './embedding-runtime.js';
import { EngineError, type EngineError as EngineErrorType } from './errors.js';
import { embeddingEngineModel, type EmbeddingEngineModel } from './models.js';
import type { ModelLocation } from './transformers-env.js';

export interface EngineOptions extends ModelLocation {
  /** `wasm` (default) or `webgpu` (transformers.js' WebGPU device). */
  device?: TransformersDevice;
  /** `worker` (default where Web Workers exist) or `main` (the calling thread). */
  thread?: EngineThread;
  /**
   * Workers that share each batch, each holding its own copy of the model (thread `worker` only).
   * Default: 2 where the device has at least 2 cores and the model's weights are small
   * (`SPLIT_MAX_WEIGHTS_MB`), else 1. One worker runs no faster than the page's own thread (the same
   * single-threaded WASM; onnxruntime's threads need a cross-origin-isolated page), so a second one is
   * what makes a node's re-embedding of a list's reveals faster than the page could.
   */
  workers?: number;
  onStatus?: StatusListener;
}

/** A model at most this large (its WASM weights) gets a second worker by default. */
export const SPLIT_MAX_WEIGHTS_MB = 64;
/** A batch is split across workers only from this many texts: below it, one worker's call costs less than two. */
const SPLIT_MIN_TEXTS = 8;

export interface EmbedOptions {
  /** A Matryoshka prefix of the model (default: its full size). */
  dims?: number;
  signal?: AbortSignal;
}

export class EmbeddingEngine {
  readonly model: EmbeddingEngineModel;
  private readonly engine: ChannelEngine;
  /** Further workers with the same model, each embedding its share of a batch (see `workers`). */
  private readonly helpers: ChannelEngine[];

  /** @throws EngineError `unknown-model` if the id is in no registry. */
  constructor(
    readonly modelId: string,
    private readonly options: EngineOptions = {},
  ) {
    const model = embeddingEngineModel(modelId);
    if (!model) throw new EngineError('unknown-model', `no embedding model ${modelId}`);
    this.model = model;
    const thread = options.thread ?? defaultThread();
    this.engine = new ChannelEngine(thread, options.onStatus);
    const workers = thread === 'worker' ? (options.workers ?? defaultWorkers(model)) : 1;
    if (!Number.isInteger(workers) || workers < 1) throw new EngineError('unsupported', `workers must be a positive integer, not ${options.workers}`);
    this.helpers = Array.from({ length: workers - 1 }, () => new ChannelEngine(thread));
  }

  get status(): EngineStatus {
    return this.engine.status;
  }

  get lastError(): EngineErrorType | undefined {
    return this.engine.lastError;
  }

  /**
   * Downloads (or reads from cache), compiles and warms up the model, in every worker at once (on a
   * cold cache each worker fetches the files itself). Reloading replaces it. A helper that fails to load
   * leaves its share to the others; only the first worker's failure fails the load.
   */
  async load(options: LoadOptions = {}): Promise<void> {
    const request = { type: 'load', kind: 'embedding', modelId: this.modelId, device: this.options.device ?? 'wasm', location: location(this.options) } as const;
    const { signal } = options;
    const helpers = this.helpers.map((helper) => helper.load(request, signal ? { signal } : {}).catch(() => helper.unload()));
    await this.engine.load(request, options);
    await Promise.all(helpers);
  }

  /**
   * Embeds texts (the model's document prefix is added here). Returns L2-normalized vectors and their
   * packed sign bits at `dims`.
   */
  async embed(texts: readonly string[], { dims, signal }: EmbedOptions = {}): Promise<Embeddings> {
    const call = (engine: ChannelEngine, part: readonly string[]) =>
      engine.call<Embeddings>({ type: 'embed', texts: [...part], ...(dims ? { dims } : {}) }, signal ? { signal } : {});
    const engines = [this.engine, ...this.helpers.filter((helper) => helper.status === 'ready' || helper.status === 'busy')];
    if (engines.length === 1 || texts.length < SPLIT_MIN_TEXTS) return call(this.engine, texts);
    // Contiguous shares, in order: the result lists the texts as they were given. A helper that fails
    // leaves its share to the first worker.
    const share = Math.ceil(texts.length / engines.length);
    const parts = await Promise.all(
      engines.map((engine, i) => {
        const part = texts.slice(i * share, (i + 1) * share);
        return i === 0 ? call(engine, part) : call(engine, part).catch(() => call(this.engine, part));
      }),
    );
    return { vectors: parts.flatMap((part) => part.vectors), binary: parts.flatMap((part) => part.binary), dims: parts[0]!.dims };
  }

  /** Frees the model (a worker is kept a few seconds for the next engine to load in, warm: engine-workers.ts); `load()` may be called again. */
  async unload(): Promise<void> {
    this.engine.unload();
    for (const helper of this.helpers) helper.unload();
  }
}

/** 2 where a second worker fits (see `EngineOptions.workers`), else 1. */
function defaultWorkers(model: EmbeddingEngineModel): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return cores >= 2 && model.wasmWeightsMB <= SPLIT_MAX_WEIGHTS_MB ? 2 : 1;
}

/** The location to send to the model's thread: URLs made absolute against the page (a worker's base differs). */
export function location(options: ModelLocation): ModelLocation {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  const resolve = (url: string) => (page ? new URL(url, page).href : url);
  const result: ModelLocation = {};
  if (options.modelBaseUrl !== undefined) result.modelBaseUrl = resolve(options.modelBaseUrl);
  if (options.wasmBaseUrl !== undefined) result.wasmBaseUrl = resolve(options.wasmBaseUrl);
  if (options.browserCache !== undefined) result.browserCache = options.browserCache;
  return result;
}
