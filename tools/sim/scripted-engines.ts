import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { binarize } from '../../src/consensus/index.js';
import { embeddingModel } from '../../src/protocol/index.js';
import type { Embedder, Generation, GenerationParams, TextGenerator } from '../../src/node/index.js';

/**
 * Deterministic stand-ins for the engines, for simulations and unit tests of the node (never for
 * end-to-end tests, which run the real models).
 */

/** A bag-of-words random-hyperplane embedder: texts sharing most words land close, unrelated ones near 0.5. */
export class ScriptedEmbedder implements Embedder {
  readonly model: string;
  private readonly dims: number;
  private readonly wordVectors = new Map<string, Float32Array>();
  /** Words this model does not see. */
  private readonly blindTo: ReadonlySet<string>;
  calls = 0;

  constructor(model = 'rakis-test/encoder-mini', { blindTo = new Set<string>() }: { blindTo?: ReadonlySet<string> } = {}) {
    const spec = embeddingModel(model);
    if (!spec) throw new RangeError(`unknown embedding model ${model}`);
    this.model = model;
    this.dims = spec.dims;
    this.blindTo = blindTo;
  }

  healthy(): boolean {
    return true;
  }

  async embedBinary(texts: string[], bits: number): Promise<Uint8Array[]> {
    this.calls += texts.length;
    return texts.map((text) => binarize(this.embed(text), bits));
  }

  embed(text: string): Float32Array {
    const sum = new Float32Array(this.dims);
    for (const word of text.toLowerCase().match(/[a-z0-9']+/g) ?? []) {
      if (this.blindTo.has(word)) continue;
      const vector = this.vectorOf(word);
      for (let i = 0; i < this.dims; i++) sum[i]! += vector[i]!;
    }
    return sum;
  }

  private vectorOf(word: string): Float32Array {
    let vector = this.wordVectors.get(word);
    if (!vector) {
      const seed = sha256(utf8ToBytes(word));
      vector = Float32Array.from({ length: this.dims }, (_, i) => ((seed[i % 32]! ^ (i * 151)) & 0x80 ? 1 : -1) * (1 + ((seed[(i * 7) % 32]! + i) % 5)));
      this.wordVectors.set(word, vector);
    }
    return vector;
  }
}

export interface ScriptedGeneratorOptions {
  model?: string;
  /** The answer this generator gives to a prompt. */
  answer?: (prompt: string) => string;
  /** Probability that each word is replaced by a synonym-like variant (paraphrase noise). */
  paraphrase?: number;
  /** Simulated speed. */
  tokensPerSecond?: number;
  random?: () => number;
  /** Simulated generation delay, through the caller's clock. */
  delay?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_ANSWER = (prompt: string) =>
  `The answer to "${prompt.slice(0, 40)}" is that the sky looks blue because air scatters short blue wavelengths of sunlight more than red ones.`;

export class ScriptedGenerator implements TextGenerator {
  readonly model: string;
  private readonly options: ScriptedGeneratorOptions;
  private isHealthy = true;

  constructor(options: ScriptedGeneratorOptions = {}) {
    this.options = options;
    this.model = options.model ?? 'rakis-test/lm-mini';
  }

  healthy(): boolean {
    return this.isHealthy;
  }

  setHealthy(healthy: boolean): void {
    this.isHealthy = healthy;
  }

  async generate(prompt: string, params: GenerationParams): Promise<Generation> {
    const random = this.options.random ?? Math.random;
    const words = (this.options.answer ?? DEFAULT_ANSWER)(prompt).split(' ');
    const noisy = words.map((word) => (random() < (this.options.paraphrase ?? 0) ? `${word}ly` : word));
    const tokens = Math.min(params.maxTokens, noisy.length);
    const delayMs = (tokens / (this.options.tokensPerSecond ?? 50)) * 1000;
    if (this.options.delay) await this.options.delay(delayMs, params.signal);
    if (params.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return { text: noisy.slice(0, tokens).join(' '), tokens };
  }
}
