import type { Embedder, TextGenerator } from './engine-ports.js';
import type { EngineLoader, EngineProgress } from './engine-loader.js';
import type { EmbeddingEngine, LlmEngine, LoadProgress } from '../engines/index.js';

export interface RealEngineOptions {
  /** Where onnxruntime-web's `.wasm` is served (default: the copy the bundler emitted). */
  wasmBaseUrl?: string;
  /** Where self-hosted MLC builds live, for WebLLM models. */
  webLlmModelBaseUrl?: string;
}

/**
 * The engine loader that brings up the real engines: transformers.js embeddings and the best LLM
 * backend this device can run. `src/engines` is imported here, dynamically, so a node that never
 * contributes never downloads it.
 */
export function realEngineLoader(options: RealEngineOptions = {}): EngineLoader {
  return async ({ models, embeddingModels, modelBaseUrl, api, signal, onProgress }) => {
    const engines = await import('../engines/index.js');
    // An endpoint answers in a second: check it (and its key) before the embedding models download.
    const apiGenerators = api ? await (await import('./api-generators.js')).apiGenerators(engines, api, models, signal) : undefined;
    const location = {
      ...(modelBaseUrl !== undefined ? { modelBaseUrl } : {}),
      ...(options.wasmBaseUrl !== undefined ? { wasmBaseUrl: options.wasmBaseUrl } : {}),
    };
    const progressOf = (model: string) => (progress: LoadProgress) =>
      onProgress({ model, progress: progress.fraction, phase: progress.phase, loadedBytes: progress.loadedBytes, totalBytes: progress.totalBytes } satisfies EngineProgress);
    const embedders: Embedder[] = [];
    for (const id of embeddingModels) {
      const engine = new engines.EmbeddingEngine(id, location);
      await engine.load({ signal, onProgress: progressOf(id) });
      embedders.push(embedderPort(engine));
    }
    const generators: TextGenerator[] = apiGenerators ?? [];
    if (!api && models.length > 0) {
      const llm = await engines.createLlmEngine({
        models,
        ...location,
        ...(options.webLlmModelBaseUrl !== undefined ? { webLlmModelBaseUrl: options.webLlmModelBaseUrl } : {}),
      });
      await llm.load({ signal, onProgress: progressOf(llm.modelId) });
      generators.push(generatorPort(llm));
    }
    return { generators, embedders };
  };
}

function embedderPort(engine: EmbeddingEngine): Embedder {
  return {
    model: engine.modelId,
    healthy: () => engine.status !== 'unhealthy',
    embedBinary: async (texts, bits, signal) => (await engine.embed(texts, { dims: bits, ...(signal ? { signal } : {}) })).binary,
  };
}

export function generatorPort(engine: LlmEngine): TextGenerator {
  return {
    model: engine.modelId,
    healthy: () => engine.status !== 'unhealthy',
    generate: (prompt, { maxTokens, temperature, seed, responseSchema, signal }) =>
      engine.generate(prompt, { maxTokens, temperature, ...(seed !== undefined ? { seed } : {}), ...(responseSchema ? { responseSchema } : {}), ...(signal ? { signal } : {}) }).result,
  };
}

