/**
 * The embedding model itself, in whatever thread loads it (worker, page, Node): transformers.js
 * feature extraction → pooled float vector → Matryoshka prefix → sign bits.
 */
import { binarize } from '../consensus/binary-embedding.js';
import { libraryDevice, type TransformersDevice } from './devices.js';
import { EngineError, throwIfAborted } from './errors.js';
import type { EmbeddingEngineModel } from './models.js';
import type { ProgressAggregator } from './progress.js';
import { bindFetchSignal, configureTransformers, preloadOrtWasm, type ModelLocation } from './transformers-env.js';
import { trackTransformersProgress } from './transformers-progress.js';

export interface Embeddings {
  /** L2-normalized float vectors, `dims` long each. */
  vectors: Float32Array[];
  /** Packed sign bits of each vector (`dims / 8` bytes), as `binarize` makes them. */
  binary: Uint8Array[];
  dims: number;
}

export interface EmbeddingRuntime {
  embed(texts: readonly string[], dims?: number): Promise<Embeddings>;
  dispose(): Promise<void>;
}

export interface EmbeddingRuntimeOptions {
  model: EmbeddingEngineModel;
  device: TransformersDevice;
  location: ModelLocation;
  signal?: AbortSignal;
  progress: ProgressAggregator;
}

export async function loadEmbeddingRuntime(options: EmbeddingRuntimeOptions): Promise<EmbeddingRuntime> {
  const { model, device, location, signal, progress } = options;
  const transformers = await import('@huggingface/transformers');
  configureTransformers(transformers, location);
  const unbind = bindFetchSignal(signal);
  let extractor: Awaited<ReturnType<typeof transformers.pipeline<'feature-extraction'>>>;
  try {
    await preloadOrtWasm(transformers, location);
    throwIfAborted(signal);
    extractor = await transformers.pipeline('feature-extraction', model.path, {
      device: libraryDevice(device),
      dtype: model.dtype[device],
      progress_callback: trackTransformersProgress(progress),
    });
  } finally {
    unbind();
  }
  if (signal?.aborted) {
    await extractor.dispose();
    throwIfAborted(signal);
  }
  const prefix = model.spec.documentPrefix ?? '';

  const runtime: EmbeddingRuntime = {
    async embed(texts, dims = model.spec.dims) {
      if (!model.spec.matryoshkaDims.includes(dims)) {
        throw new EngineError('unsupported', `${model.id} has no ${dims}-dim Matryoshka prefix`);
      }
      if (texts.length === 0) return { vectors: [], binary: [], dims };
      const output = await extractor(texts.map((t) => prefix + t), { pooling: model.pooling, normalize: false });
      const width = output.dims[output.dims.length - 1] ?? 0;
      if (width !== model.spec.dims) {
        throw new EngineError('file-corrupt', `${model.id} produced ${width} dims, expected ${model.spec.dims}`);
      }
      const data = output.data as Float32Array;
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i++) {
        const pooled = data.subarray(i * width, (i + 1) * width);
        vectors.push(prepareVector(pooled, dims, model.matryoshkaLayerNorm));
      }
      output.dispose?.();
      return { vectors, binary: vectors.map((v) => binarize(v, dims)), dims };
    },
    async dispose() {
      await extractor.dispose();
    },
  };

  progress.phase('warm-up');
  checkHealth((await runtime.embed(['warm-up'])).vectors);
  return runtime;
}

/**
 * Pooled vector → the model card's final embedding at `dims`: optional layer norm over the full
 * vector (nomic's Matryoshka recipe), prefix, L2 normalization. Garbage (NaN, ∞, all zero) throws
 * `unhealthy`: an engine must not commit nonsense.
 */
export function prepareVector(pooled: Float32Array, dims: number, layerNorm = false): Float32Array {
  let source = pooled;
  if (layerNorm) {
    let mean = 0;
    for (const v of pooled) mean += v;
    mean /= pooled.length;
    let variance = 0;
    for (const v of pooled) variance += (v - mean) ** 2;
    const scale = 1 / Math.sqrt(variance / pooled.length + 1e-5);
    source = pooled.map((v) => (v - mean) * scale);
  }
  const vector = source.slice(0, dims);
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (!Number.isFinite(norm) || norm === 0) throw new EngineError('unhealthy', 'the embedding model returned a non-finite or zero vector');
  for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

export function checkHealth(vectors: readonly Float32Array[]): void {
  for (const v of vectors) {
    for (const x of v) if (!Number.isFinite(x)) throw new EngineError('unhealthy', 'the embedding model returned NaN or infinity');
  }
}
