/**
 * What the node needs from inference engines. The real engines (`src/engines`) are adapted to these
 * ports when a node contributes compute; simulations plug in scripted ones.
 */
import type { ObjectSchema } from '../protocol/index.js';

export interface GenerationParams {
  maxTokens: number;
  temperature: number;
  seed?: number;
  /** JSON mode: the answer must be JSON fitting this schema. */
  responseSchema?: ObjectSchema;
  signal?: AbortSignal;
}

export interface Generation {
  text: string;
  /** Tokens produced (for throughput and `tokensServed`). */
  tokens: number;
}

export interface TextGenerator {
  /** The model id this generator answers for, as requests name it in `acceptedModels`. */
  readonly model: string;
  generate(prompt: string, params: GenerationParams): Promise<Generation>;
  /** Whether it is still fit for work (an engine that lost its device or returns garbage is not). */
  healthy(): boolean;
}

export interface Embedder {
  /** The embedding model id, as frames name it. */
  readonly model: string;
  /** Packed binary embeddings (sign bits), `bits` dimensions each (a Matryoshka prefix). */
  embedBinary(texts: string[], bits: number, signal?: AbortSignal): Promise<Uint8Array[]>;
  healthy(): boolean;
}
