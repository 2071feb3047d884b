/**
 * `LlmEngine` on WebLLM (`CreateWebWorkerMLCEngine`): MLC-compiled models on the worker's WebGPU
 * device. Needs a hardware adapter with the model's features; weights come from WebLLM's hosts or
 * from `modelBaseUrl` (see `webLlmAppConfig`), cached by WebLLM (Cache API or IndexedDB).
 */
import type { WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import { probeGpu, type LlmBackend } from './capabilities.js';
import { EngineLifecycle, type EngineStatus, type LoadOptions, type StatusListener } from './engine-lifecycle.js';
import { EngineError, throwIfAborted } from './errors.js';
import { createGenerationStream, type GenerationStream } from './generation-stream.js';
import type { LlmEngine } from './llm-engine.js';
import { llmModel, type WebLlmModel } from './models.js';
import { createProgressAggregator, type LoadPhase } from './progress.js';
import type { GenerateOptions } from './text-generation-runtime.js';
import { checkText, DEFAULT_MAX_TOKENS } from './text-generation-runtime.js';
import { webLlmAppConfig } from './web-llm-config.js';
import { webLlmJsonMessages, webLlmResponseFormat } from './web-llm-json.js';
import { TrustedTypesWorker as Worker } from './trusted-worker.js';

export interface WebLlmEngineOptions {
  /** Base URL of self-hosted MLC builds; unset: WebLLM's prebuilt hosts. */
  modelBaseUrl?: string;
  /** Store weights in IndexedDB instead of the Cache API. */
  indexedDbCache?: boolean;
  onStatus?: StatusListener;
}

export class WebLlmEngine implements LlmEngine {
  readonly backend: LlmBackend = 'webllm';
  readonly model: WebLlmModel;
  private readonly lifecycle: EngineLifecycle;
  private worker: Worker | undefined;
  private engine: WebWorkerMLCEngine | undefined;

  /** @throws EngineError `unknown-model` if the id is no WebLLM model. */
  constructor(
    readonly modelId: string,
    private readonly options: WebLlmEngineOptions = {},
  ) {
    const model = llmModel(modelId);
    if (model?.backend !== 'webllm') throw new EngineError('unknown-model', `no WebLLM model ${modelId}`);
    this.model = model;
    this.lifecycle = new EngineLifecycle(options.onStatus);
  }

  get status(): EngineStatus {
    return this.lifecycle.status;
  }

  get lastError(): EngineError | undefined {
    return this.lifecycle.lastError;
  }

  async load({ signal, onProgress }: LoadOptions = {}): Promise<void> {
    await this.unload();
    await this.lifecycle.load(async () => {
      const gpu = await probeGpu();
      if (!gpu.available) throw new EngineError('no-webgpu', gpu.reason ?? 'no WebGPU adapter');
      if (this.model.requiredFeatures.includes('shader-f16') && !gpu.shaderF16) {
        throw new EngineError('unsupported', `${this.modelId} needs the shader-f16 WebGPU feature, which this adapter lacks`);
      }
      throwIfAborted(signal);
      const webllm = await import('@mlc-ai/web-llm');
      const appConfig = webLlmAppConfig(webllm.prebuiltAppConfig, [this.modelId], this.options.modelBaseUrl && absolute(this.options.modelBaseUrl));
      if (this.options.indexedDbCache) appConfig.cacheBackend = 'indexeddb';
      const progress = createProgressAggregator(onProgress);
      const worker = new Worker(new URL('./web-llm-worker.ts', import.meta.url), { type: 'module', name: 'rakis-webllm' });
      this.worker = worker;
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => reject(new EngineError('aborted', 'aborted'));
        if (signal?.aborted) onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        this.engine = await Promise.race([
          webllm.CreateWebWorkerMLCEngine(worker, this.modelId, {
            appConfig,
            initProgressCallback: (report) => progress.fraction(report.progress, webLlmPhase(report.text)),
          }),
          aborted,
        ]);
      } catch (error) {
        worker.terminate();
        this.worker = undefined;
        throw error;
      }
      progress.done();
    }, signal);
  }

  generate(prompt: string, { maxTokens = DEFAULT_MAX_TOKENS, temperature = 0, seed, responseSchema, signal }: GenerateOptions = {}): GenerationStream {
    const { stream, sink } = createGenerationStream();
    this.lifecycle
      .work(async () => {
        const engine = this.engine;
        if (!engine) throw new EngineError('not-loaded', 'load() the engine first');
        throwIfAborted(signal);
        const interrupt = () => engine.interruptGenerate();
        signal?.addEventListener('abort', interrupt, { once: true });
        try {
          const chunks = await engine.chat.completions.create({
            messages: responseSchema ? webLlmJsonMessages(prompt, responseSchema) : [{ role: 'user', content: prompt }],
            ...(responseSchema ? { response_format: webLlmResponseFormat(responseSchema) } : {}),
            stream: true,
            temperature,
            max_tokens: maxTokens,
            ...(seed !== undefined ? { seed } : {}),
            stream_options: { include_usage: true },
          });
          let text = '';
          let tokens = 0;
          for await (const chunk of chunks) {
            if (chunk.usage) tokens = chunk.usage.completion_tokens;
            const piece = chunk.choices[0]?.delta?.content ?? '';
            if (piece) {
              text += piece;
              sink.push(piece);
            }
          }
          throwIfAborted(signal);
          checkText(text);
          return { text, tokens };
        } finally {
          signal?.removeEventListener('abort', interrupt);
        }
      }, signal)
      .then((result) => sink.end(result), (error: unknown) => sink.fail(error));
    return stream;
  }

  async unload(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    await engine?.unload().catch(() => undefined);
    this.worker?.terminate();
    this.worker = undefined;
    if (this.lifecycle.status !== 'idle') this.lifecycle.set('idle');
  }
}

/** WebLLM reports one fraction with a text; the text tells fetching from shader compilation. */
function webLlmPhase(text: string): LoadPhase {
  return /shader|compil|GPU/i.test(text) && !/fetch|cache/i.test(text) ? 'compile' : 'download';
}

function absolute(url: string): string {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  return page ? new URL(url, page).href : url;
}
