/**
 * The model side of an engine: answers `EngineRequest`s with one loaded runtime. Runs inside the
 * engine worker, or on the page when an engine is asked to stay on the main thread.
 */
import type { EngineReply, EngineRequest, PostReply } from './engine-protocol.js';
import type { EmbeddingRuntime } from './embedding-runtime.js';
import { EngineError, serializeEngineError, toEngineError } from './errors.js';
import { embeddingEngineModel, llmModel } from './models.js';
import { createProgressAggregator } from './progress.js';
import type { TextGenerationRuntime } from './text-generation-runtime.js';

type Runtime = { kind: 'embedding'; runtime: EmbeddingRuntime } | { kind: 'text-generation'; runtime: TextGenerationRuntime };

export function createEngineService(post: PostReply): (request: EngineRequest) => void {
  let loaded: Runtime | undefined;
  const controllers = new Map<number, AbortController>();
  // Taken before it is disposed, so an unload and a load that follow each other dispose it once.
  const release = async () => {
    const previous = loaded;
    loaded = undefined;
    await previous?.runtime.dispose();
  };

  const run = async (id: number, work: (signal: AbortSignal) => Promise<EngineReply | undefined>) => {
    const controller = new AbortController();
    controllers.set(id, controller);
    try {
      const reply = await work(controller.signal);
      if (reply?.type === 'result' && reply.value && 'vectors' in reply.value) {
        post(reply, reply.value.vectors.map((v) => v.buffer as ArrayBuffer));
      } else {
        post(reply ?? { type: 'result', id });
      }
    } catch (error) {
      post({ type: 'error', id, error: serializeEngineError(toEngineError(error, controller.signal)) });
    } finally {
      controllers.delete(id);
    }
  };

  return (request) => {
    switch (request.type) {
      case 'abort':
        controllers.get(request.target)?.abort();
        return;
      case 'load':
        void run(request.id, async (signal) => {
          await release();
          const progress = createProgressAggregator((p) => post({ type: 'progress', id: request.id, progress: p }));
          if (request.kind === 'embedding') {
            const model = embeddingEngineModel(request.modelId);
            if (!model) throw new EngineError('unknown-model', `no embedding model ${request.modelId}`);
            const { loadEmbeddingRuntime } = await import('./embedding-runtime.js');
            loaded = { kind: 'embedding', runtime: await loadEmbeddingRuntime({ model, device: request.device, location: request.location, signal, progress }) };
          } else {
            const model = llmModel(request.modelId);
            if (model?.backend !== 'transformers') throw new EngineError('unknown-model', `no transformers.js LLM ${request.modelId}`);
            const { loadTextGenerationRuntime } = await import('./text-generation-runtime.js');
            loaded = { kind: 'text-generation', runtime: await loadTextGenerationRuntime({ model, device: request.device, location: request.location, signal, progress }) };
          }
          progress.done();
          return undefined;
        });
        return;
      case 'embed':
        void run(request.id, async () => {
          if (loaded?.kind !== 'embedding') throw new EngineError('not-loaded', 'no embedding model loaded');
          return { type: 'result', id: request.id, value: await loaded.runtime.embed(request.texts, request.dims) };
        });
        return;
      case 'generate':
        void run(request.id, async (signal) => {
          if (loaded?.kind !== 'text-generation') throw new EngineError('not-loaded', 'no language model loaded');
          const result = await loaded.runtime.generate(request.prompt, { ...request.options, signal }, (piece) =>
            post({ type: 'text', id: request.id, text: piece }),
          );
          return { type: 'result', id: request.id, value: result };
        });
        return;
      case 'unload':
        void run(request.id, async () => {
          await release();
          return undefined;
        });
        return;
    }
  };
}
