import { MemoryBus } from '../../src/network/index.js';
import { RakisError, RakisNode, type EngineLoader, type RakisNodeOptions } from '../../src/node/index.js';
import type { QuorumTimings } from '../../src/quorum/index.js';
import { ScriptedEmbedder, ScriptedGenerator } from '../../tools/sim/scripted-engines.js';
import { seededRandom } from '../../testkit/random.js';

/**
 * The scripted network stories and element tests run on: real `RakisNode`s on an in-memory bus with
 * scripted engines, so every state can be shown without relays, models or a network.
 */
export const MODEL = 'rakis-test/lm-mini';
export const EMBEDDING_MODEL = 'rakis-test/encoder-mini';

/** Short phases after the commit window, so a story decides within a couple of seconds. */
export const QUICK_TIMINGS: QuorumTimings = { commitGraceMs: 250, requesterWaitMs: 400, revealWindowMs: 1_500, attestationWaitMs: 1_000, adaptCommitGrace: true };

/**
 * A commit window the scripted workers fit in: they estimate 20 tokens/s before their first answer and
 * keep a 1 s reserve, so SHORT_ANSWER tokens need about 2.2 s.
 */
export const QUICK_WINDOW_MS = 3_000;
export const SHORT_ANSWER = 24;

export const GARBAGE_ANSWER = 'Purple elephants juggle quietly beneath a frozen orange volcano tonight.';

const realDelay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()));
  });

export interface WorkerScript {
  /** Answers with unrelated text: the network should leave it out as an outlier. */
  garbage?: boolean;
  tokensPerSecond?: number;
}

export class ScriptedNetwork {
  readonly bus = new MemoryBus({ latencyMs: 5 });
  readonly nodes: RakisNode[] = [];
  private honestWorkers = 0;

  /** A started node on the bus; it verifies answers (it has the test embedder) unless told otherwise. */
  async node(options: Partial<RakisNodeOptions> = {}): Promise<RakisNode> {
    const node = await RakisNode.create({
      transports: [this.bus.transport('memory')],
      embedders: [new ScriptedEmbedder(EMBEDDING_MODEL)],
      timings: QUICK_TIMINGS,
      ...options,
    });
    this.nodes.push(node);
    await node.start();
    return node;
  }

  async worker(script: WorkerScript = {}): Promise<RakisNode> {
    const generator = new ScriptedGenerator({
      model: MODEL,
      delay: realDelay,
      tokensPerSecond: script.tokensPerSecond ?? 200,
      // Honest workers paraphrase a little (seeded: the same picture every time), staying inside the sphere.
      ...(script.garbage ? { answer: () => GARBAGE_ANSWER } : { paraphrase: 0.03, random: seededRandom(++this.honestWorkers) }),
    });
    return this.node({ generators: [generator] });
  }

  async workers(count: number, script: WorkerScript = {}): Promise<RakisNode[]> {
    const nodes: RakisNode[] = [];
    for (let i = 0; i < count; i++) nodes.push(await this.worker(script));
    return nodes;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }
}

/** An engine loader that reports download progress up to `holdAt`, then waits (the "loading" state), or finishes. */
export function scriptedEngineLoader(options: { holdAt?: number; stepMs?: number } = {}): EngineLoader {
  return async ({ models, embeddingModels, onProgress, signal }) => {
    const totalBytes = 48 * 1024 * 1024;
    const holdAt = options.holdAt ?? 1;
    for (let progress = 0; progress <= holdAt + 1e-9; progress += 0.07) {
      if (signal.aborted) break;
      onProgress({ model: models[0] ?? MODEL, progress, phase: 'download', loadedBytes: Math.round(progress * totalBytes), totalBytes });
      await realDelay(options.stepMs ?? 60, signal);
    }
    if (holdAt < 1) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    if (signal.aborted) throw new DOMException('loading was cancelled', 'AbortError');
    onProgress({ model: models[0] ?? MODEL, progress: 1, phase: 'ready', loadedBytes: totalBytes, totalBytes });
    return {
      generators: models.map((model) => new ScriptedGenerator({ model, delay: realDelay, tokensPerSecond: 200 })),
      embedders: embeddingModels.map((model) => new ScriptedEmbedder(model)),
    };
  };
}

/** An engine loader that fails part-way, as a device without the means to run the models does. */
export function failingEngineLoader(reason: string): EngineLoader {
  return async ({ models, onProgress }) => {
    onProgress({ model: models[0] ?? MODEL, progress: 0.1, phase: 'download', loadedBytes: 0, totalBytes: 0 });
    await realDelay(100);
    throw new RakisError('engine', reason);
  };
}
