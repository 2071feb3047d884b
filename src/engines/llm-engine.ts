/**
 * `LlmEngine`: one interface over the backends (WebLLM on WebGPU, transformers.js on WASM or its
 * WebGPU device, an OpenAI-compatible API). Generation parameters come with each request.
 */
import type { LlmBackend } from './capabilities.js';
import type { EngineStatus, LoadOptions } from './engine-lifecycle.js';
import type { EngineError } from './errors.js';
import type { GenerationStream } from './generation-stream.js';
import type { GenerateOptions } from './text-generation-runtime.js';

export interface LlmEngine {
  readonly modelId: string;
  /** `api`: an OpenAI-compatible endpoint answers (api-llm-engine.ts); no device capability decides it. */
  readonly backend: LlmBackend | 'api';
  readonly status: EngineStatus;
  readonly lastError: EngineError | undefined;
  load(options?: LoadOptions): Promise<void>;
  /** Streams the completion of `prompt`; at temperature 0 the same model on the same backend gives the same text. */
  generate(prompt: string, options?: GenerateOptions): GenerationStream;
  unload(): Promise<void>;
}
