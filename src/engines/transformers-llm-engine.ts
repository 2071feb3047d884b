/** `LlmEngine` on transformers.js: WASM everywhere, its WebGPU device where an adapter exists. */
import type { LlmBackend } from './capabilities.js';
import { defaultThread, openEngineChannel, type EngineChannel } from './engine-channel.js';
import { EngineLifecycle, type EngineStatus, type LoadOptions } from './engine-lifecycle.js';
import { location, type EngineOptions } from './embedding-engine.js';
import { EngineError } from './errors.js';
import { createGenerationStream, type GenerationResult, type GenerationStream } from './generation-stream.js';
import type { LlmEngine } from './llm-engine.js';
import { llmModel, type TransformersLlmModel } from './models.js';
import type { GenerateOptions } from './text-generation-runtime.js';

export class TransformersLlmEngine implements LlmEngine {
  readonly model: TransformersLlmModel;
  private readonly lifecycle: EngineLifecycle;
  private channel: EngineChannel | undefined;

  /** @throws EngineError `unknown-model` if the id is no transformers.js LLM. */
  constructor(
    readonly modelId: string,
    private readonly options: EngineOptions = {},
  ) {
    const model = llmModel(modelId);
    if (model?.backend !== 'transformers') throw new EngineError('unknown-model', `no transformers.js LLM ${modelId}`);
    this.model = model;
    this.lifecycle = new EngineLifecycle(options.onStatus);
  }

  get backend(): LlmBackend {
    return this.options.device === 'webgpu' ? 'transformers-webgpu' : 'transformers-wasm';
  }

  get status(): EngineStatus {
    return this.lifecycle.status;
  }

  get lastError(): EngineError | undefined {
    return this.lifecycle.lastError;
  }

  async load({ signal, onProgress }: LoadOptions = {}): Promise<void> {
    this.channel?.close();
    await this.lifecycle.load(async () => {
      const channel = await openEngineChannel(this.options.thread ?? defaultThread());
      this.channel = channel;
      try {
        await channel.call(
          { type: 'load', kind: 'text-generation', modelId: this.modelId, device: this.options.device ?? 'wasm', location: location(this.options) },
          { signal, onProgress, hardAbort: true },
        );
      } catch (error) {
        channel.close();
        if (this.channel === channel) this.channel = undefined;
        throw error;
      }
    }, signal);
  }

  generate(prompt: string, { signal, ...options }: GenerateOptions = {}): GenerationStream {
    const { stream, sink } = createGenerationStream();
    this.lifecycle
      .work(() => {
        if (!this.channel) throw new EngineError('not-loaded', 'load() the engine first');
        return this.channel.call<GenerationResult>({ type: 'generate', prompt, options }, { signal, onText: (piece) => sink.push(piece) });
      }, signal)
      .then((result) => sink.end(result), (error: unknown) => sink.fail(error));
    return stream;
  }

  async unload(): Promise<void> {
    this.channel?.close();
    this.channel = undefined;
    this.lifecycle.set('idle');
  }
}
