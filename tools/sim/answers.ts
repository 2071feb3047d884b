import type { Embedder, Generation, GenerationParams, TextGenerator } from '../../src/node/index.js';

/**
 * What the simulated nodes say. Honest workers give `honestAnswer` with paraphrase noise; sybils all
 * give `wrongAnswer`, which shares no word with it (its embedding lies about half the bits away, far
 * outside any sphere a frame would use); garbage is random words, different on every call.
 */
export const SIM_MODEL = 'rakis-test/lm-mini';

export const honestAnswer = (prompt: string): string =>
  `The answer to "${prompt.slice(0, 40)}" is that the sky looks blue because air scatters short blue wavelengths of sunlight more than red ones.`;

export const wrongAnswer = (): string =>
  'Cheese made from moon rock falls slowly whenever Tuesday rain melts green clocks inside purple mountains near quiet rivers.';

/** Words the simulation's stand-in for encoder-mini does not see (`frame-embedders.ts`). */
export const BLIND_SPOT: ReadonlySet<string> = new Set(['not', 'never', 'false', 'untrue', 'wrong', 'contrary', 'denied', 'refuted', 'myth', 'hoax', 'nonsense', 'fiction']);

/**
 * The honest answer buried under words encoder-mini's stand-in is blind to: in that model it embeds
 * exactly like the honest answer, in encoder-tiny it lies far from it. A liar that fools one model only.
 */
export const oneModelLie = (prompt: string): string =>
  `${honestAnswer(prompt)} ${[...BLIND_SPOT, ...BLIND_SPOT, ...BLIND_SPOT].join(' ')}`;

export function garbageText(random: () => number, words = 20): string {
  return Array.from({ length: words }, () => Math.floor(random() * 2 ** 32).toString(36)).join(' ');
}

/** A corrupted worker: answers every prompt with random words. */
export class GarbageGenerator implements TextGenerator {
  readonly model = SIM_MODEL;

  constructor(private readonly random: () => number) {}

  async generate(_prompt: string, params: GenerationParams): Promise<Generation> {
    const text = garbageText(this.random, Math.min(20, params.maxTokens));
    return { text, tokens: Math.min(20, params.maxTokens) };
  }

  healthy(): boolean {
    return true;
  }
}

/**
 * A corrupted embedder that claims every text embeds like `claimed` (the honest answer): a worker
 * using it commits to garbage under the honest cluster's embedding, hoping verifiers trust the claim.
 */
export class LyingEmbedder implements Embedder {
  readonly model: string;

  constructor(
    private readonly inner: Embedder,
    private readonly claimed: string,
  ) {
    this.model = inner.model;
  }

  async embedBinary(texts: string[], bits: number): Promise<Uint8Array[]> {
    const [embedding] = await this.inner.embedBinary([this.claimed], bits);
    return texts.map(() => embedding!.slice());
  }

  healthy(): boolean {
    return true;
  }
}
