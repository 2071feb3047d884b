import { concatBytes } from '../protocol/index.js';
import type { Embedder } from './engine-ports.js';

/**
 * The verifier side of a node: re-embeds the answers others reveal, one at a time per engine in
 * arrival order, so a node can check each claimed embedding against its own.
 */
export class VerifierRole {
  private readonly queues = new Map<Embedder, Promise<unknown>>();
  private stopped = false;

  /** The embedders are shared with the worker role, which commits with them. */
  constructor(private readonly embedders: Embedder[]) {}

  /** Of a frame's embedding models, those this node has no engine for (it verifies with the others). */
  missingModels(models: readonly string[]): string[] {
    return models.filter((model) => !this.embedders.some((embedder) => embedder.model === model));
  }

  /**
   * The binary embeddings of `output` by each of `models` (each at its `bits`), concatenated in the
   * order given; undefined when one of them has no engine here or this node stopped.
   */
  async embedAll(models: readonly { model: string; bits: number }[], output: string): Promise<Uint8Array | undefined> {
    const parts = await Promise.all(models.map(({ model, bits }) => this.embed(model, output, bits)));
    return parts.every((part) => part !== undefined) ? concatBytes(...parts) : undefined;
  }

  /**
   * The binary embedding of `output` by `model`, once the engine gets to it; undefined when this node
   * has no such engine or stopped before its turn. Rejects when the engine fails.
   */
  embed(model: string, output: string, bits: number): Promise<Uint8Array | undefined> {
    const embedder = this.embedders.find((candidate) => candidate.model === model);
    if (!embedder) return Promise.resolve(undefined);
    const previous = this.queues.get(embedder) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (this.stopped) return undefined;
      const [embedding] = await embedder.embedBinary([output], bits);
      return embedding;
    });
    // A failure is the caller's to report; the queue goes on with the next text.
    this.queues.set(embedder, next.catch(() => undefined));
    return next;
  }

  stop(): void {
    this.stopped = true;
  }
}
