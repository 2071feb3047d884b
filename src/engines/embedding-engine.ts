/**
 * `EmbeddingEngine`: turns texts into the float and binary embeddings a commitment binds, with the
 * model running in a Web Worker (or on the page, for comparison and for Node).
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
  onStatus?: StatusListener;
}

export interface EmbedOptions {
  /** A Matryoshka prefix of the model (default: its full size). */
  dims?: number;
  signal?: AbortSignal;
}

export class EmbeddingEngine {
  readonly model: EmbeddingEngineModel;
  private readonly engine: ChannelEngine;

  /** @throws EngineError `unknown-model` if the id is in no registry. */
  constructor(
    readonly modelId: string,
    private readonly options: EngineOptions = {},
  ) {
    const model = embeddingEngineModel(modelId);
    if (!model) throw new EngineError('unknown-model', `no embedding model ${modelId}`);
    this.model = model;
    this.engine = new ChannelEngine(options.thread ?? defaultThread(), options.onStatus);
  }

  get status(): EngineStatus {
    return this.engine.status;
  }

  get lastError(): EngineErrorType | undefined {
    return this.engine.lastError;
  }

  /** Downloads (or reads from cache), compiles and warms up the model. Reloading replaces it. */
  async load(options: LoadOptions = {}): Promise<void> {
    await this.engine.load(
      { type: 'load', kind: 'embedding', modelId: this.modelId, device: this.options.device ?? 'wasm', location: location(this.options) },
      options,
    );
  }

  /**
   * Embeds texts (the model's document prefix is added here). Returns L2-normalized vectors and their
   * packed sign bits at `dims`.
   */
  embed(texts: readonly string[], { dims, signal }: EmbedOptions = {}): Promise<Embeddings> {
    return this.engine.call<Embeddings>({ type: 'embed', texts: [...texts], ...(dims ? { dims } : {}) }, signal ? { signal } : {});
  }

  /** Frees the model (its worker is kept a few seconds for the next engine to load in, warm: engine-workers.ts); `load()` may be called again. */
  async unload(): Promise<void> {
    this.engine.unload();
  }
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
