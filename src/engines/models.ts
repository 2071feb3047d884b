/**
 * How engines run each model: where its files live relative to a base URL, pooling, dtype per
 * device. The protocol's registry (`src/protocol/embedding-models.ts`) owns sizes and tolerances;
 * this one owns execution details only.
 */
import { embeddingModel, type EmbeddingModelSpec } from '../protocol/embedding-models.js';

/** transformers.js weight precisions (each selects `onnx/model[_suffix].onnx`). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

export interface EmbeddingEngineModel {
  id: string;
  /** Path under a model base URL (default: the id, as on the hub). */
  path: string;
  pooling: 'mean' | 'cls';
  normalize: boolean;
  /** Layer-normalize the pooled vector before taking a Matryoshka prefix (nomic's recipe). */
  matryoshkaLayerNorm: boolean;
  /** Weights to ask for on WASM and on WebGPU. */
  dtype: { wasm: ModelDtype; webgpu: ModelDtype };
  /** Size of its WASM weights, rounded up: what a second worker holding another copy costs. */
  wasmWeightsMB: number;
  spec: EmbeddingModelSpec;
}

export interface TransformersLlmModel {
  id: string;
  backend: 'transformers';
  path: string;
  dtype: { wasm: ModelDtype; webgpu: ModelDtype };
  /** Rough working-set estimate, for capability checks. */
  memoryMB: number;
}

export interface WebLlmModel {
  id: string;
  backend: 'webllm';
  /** VRAM the MLC build needs (from WebLLM's prebuilt list). */
  vramMB: number;
  /** WebGPU features the build requires (`shader-f16` for q4f16 builds). */
  requiredFeatures: readonly string[];
}

export type LlmModel = TransformersLlmModel | WebLlmModel;

function spec(id: string): EmbeddingModelSpec {
  const found = embeddingModel(id);
  if (!found) throw new Error(`engines: ${id} is missing from the protocol's embedding registry`);
  return found;
}

export const EMBEDDING_ENGINE_MODELS: Readonly<Record<string, EmbeddingEngineModel>> = {
  'nomic-ai/nomic-embed-text-v1.5': {
    id: 'nomic-ai/nomic-embed-text-v1.5',
    path: 'nomic-ai/nomic-embed-text-v1.5',
    pooling: 'mean',
    normalize: true,
    matryoshkaLayerNorm: true,
    dtype: { wasm: 'q8', webgpu: 'fp32' },
    wasmWeightsMB: 138,
    spec: spec('nomic-ai/nomic-embed-text-v1.5'),
  },
  'Xenova/all-MiniLM-L6-v2': {
    id: 'Xenova/all-MiniLM-L6-v2',
    path: 'Xenova/all-MiniLM-L6-v2',
    pooling: 'mean',
    normalize: true,
    matryoshkaLayerNorm: false,
    dtype: { wasm: 'q8', webgpu: 'fp32' },
    wasmWeightsMB: 23,
    spec: spec('Xenova/all-MiniLM-L6-v2'),
  },
  'rakis-test/encoder-mini': {
    id: 'rakis-test/encoder-mini',
    path: 'rakis-test/encoder-mini',
    pooling: 'mean',
    normalize: true,
    matryoshkaLayerNorm: false,
    dtype: { wasm: 'fp32', webgpu: 'fp32' },
    wasmWeightsMB: 3,
    spec: spec('rakis-test/encoder-mini'),
  },
  'rakis-test/encoder-tiny': {
    id: 'rakis-test/encoder-tiny',
    path: 'rakis-test/encoder-tiny',
    pooling: 'mean',
    normalize: true,
    matryoshkaLayerNorm: false,
    dtype: { wasm: 'fp32', webgpu: 'fp32' },
    wasmWeightsMB: 1,
    spec: spec('rakis-test/encoder-tiny'),
  },
};

/**
 * LLMs a node can advertise. WebLLM ids are MLC builds from WebLLM's prebuilt list (sizes copied
 * from it, so capability checks need not load WebLLM); transformers.js ids are ONNX repos.
 */
export const LLM_MODELS: Readonly<Record<string, LlmModel>> = {
  'SmolLM2-360M-Instruct-q4f16_1-MLC': {
    id: 'SmolLM2-360M-Instruct-q4f16_1-MLC',
    backend: 'webllm',
    vramMB: 376,
    requiredFeatures: ['shader-f16'],
  },
  'Qwen2.5-0.5B-Instruct-q4f16_1-MLC': { id: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC', backend: 'webllm', vramMB: 945, requiredFeatures: [] },
  'Llama-3.2-1B-Instruct-q4f16_1-MLC': { id: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', backend: 'webllm', vramMB: 879, requiredFeatures: [] },
  'gemma-2-2b-it-q4f16_1-MLC': { id: 'gemma-2-2b-it-q4f16_1-MLC', backend: 'webllm', vramMB: 1895, requiredFeatures: ['shader-f16'] },
  'HuggingFaceTB/SmolLM2-135M-Instruct': {
    id: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    backend: 'transformers',
    path: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    dtype: { wasm: 'q4', webgpu: 'q4f16' },
    memoryMB: 300,
  },
  'rakis-test/lm-mini': {
    id: 'rakis-test/lm-mini',
    backend: 'transformers',
    path: 'rakis-test/lm-mini',
    dtype: { wasm: 'fp32', webgpu: 'fp32' },
    memoryMB: 16,
  },
};

export function embeddingEngineModel(id: string): EmbeddingEngineModel | undefined {
  return Object.hasOwn(EMBEDDING_ENGINE_MODELS, id) ? EMBEDDING_ENGINE_MODELS[id] : undefined;
}

export function llmModel(id: string): LlmModel | undefined {
  return Object.hasOwn(LLM_MODELS, id) ? LLM_MODELS[id] : undefined;
}
