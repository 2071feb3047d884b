/** `LlmEngine` on transformers.js: WASM everywhere, its WebGPU device where an adapter exists. */
import type { LlmBackend } from './capabilities.js';
import { ChannelEngine } from './channel-engine.js';
import { defaultThread } from './engine-channel.js';
import type { EngineStatus, LoadOptions } from './engine-lifecycle.js';
import { location, type EngineOptions } from './embedding-engine.js';
import { EngineError } from './errors.js';
import { createGenerationStream, type GenerationResult, type GenerationStream } from './generation-stream.js';
import type { LlmEngine } from './llm-engine.js';
import { llmModel, type TransformersLlmModel } from './models.js';
import type { GenerateOptions } from './text-generation-runtime.js';

export class TransformersLlmEngine implements LlmEngine {
  readonly model: TransformersLlmModel;
  private readonly engine: ChannelEngine;

  /** @throws EngineError `unknown-model` if the id is no transformers.js LLM. */
  constructor(
    readonly modelId: string,
    private readonly options: EngineOptions = {},
  ) {
    const model = llmModel(modelId);
    if (model?.backend !== 'transformers') throw new EngineError('unknown-model', `no transformers.js LLM ${modelId}`);
    this.model = model;
    this.engine = new ChannelEngine(options.thread ?? defaultThread(), options.onStatus);
  }

  get backend(): LlmBackend {
    return this.options.device === 'webgpu' ? 'transformers-webgpu' : 'transformers-wasm';
  }

  get status(): EngineStatus {
    return this.engine.status;
  }

  get lastError(): EngineError | undefined {
    return this.engine.lastError;
  }

  async load(options: LoadOptions = {}): Promise<void> {
    await this.engine.load(
      { type: 'load', kind: 'text-generation', modelId: this.modelId, device: this.options.device ?? 'wasm', location: location(this.options) },
      options,
    );
  }

  generate(prompt: string, { signal, ...options }: GenerateOptions = {}): GenerationStream {
    const { stream, sink } = createGenerationStream();
    this.engine
      .call<GenerationResult>({ type: 'generate', prompt, options }, { signal, onText: (piece) => sink.push(piece) })
      .then((result) => sink.end(result), (error: unknown) => sink.fail(error));
    return stream;
  }

  async unload(): Promise<void> {
    this.engine.unload();
  }
}
