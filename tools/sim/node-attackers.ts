import type { Embedder, TextGenerator } from '../../src/node/index.js';
import { seededRandom } from '../../testkit/random.js';
import { GarbageGenerator, honestAnswer, LyingEmbedder, oneModelLie, SIM_MODEL, wrongAnswer } from './answers.js';
import { jsonAttackerCount, jsonAttackers } from './json-answers.js';
import type { ByzantineMix } from './scenarios.js';
import { ScriptedGenerator } from './scripted-engines.js';

export interface NodeAttackerContext {
  random: () => number;
  delay: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The honest embedders of the frame's models. */
  embedders: Embedder[];
  /** The prompt whose honest answer the lying embedder claims. */
  prompt: string;
  sybilTokensPerSecond: number;
}

/** How many byzantine workers of a mix are RakisNodes with corrupted engines. */
export function nodeAttackerCount(mix: ByzantineMix): number {
  return (mix.garbage ?? 0) + (mix.sybil ?? 0) + (mix['lying-embedding'] ?? 0) + (mix['one-model-liar'] ?? 0) + jsonAttackerCount(mix);
}

/**
 * The engines of each such worker, one at a time: the caller creates each node before the next is
 * drawn, so the seeded draws interleave with the nodes' identities as they always have.
 */
export function* nodeAttackerEngines(mix: ByzantineMix, ctx: NodeAttackerContext): Generator<{ generators: TextGenerator[]; embedders: Embedder[] }> {
  const { random, delay, embedders } = ctx;
  for (let i = 0; i < (mix.garbage ?? 0); i++) yield { generators: [new GarbageGenerator(seededRandom(random() * 2 ** 32))], embedders };
  for (let i = 0; i < (mix.sybil ?? 0); i++) yield { generators: [new ScriptedGenerator({ model: SIM_MODEL, answer: wrongAnswer, delay, tokensPerSecond: ctx.sybilTokensPerSecond })], embedders };
  for (let i = 0; i < (mix['one-model-liar'] ?? 0); i++) yield { generators: [new ScriptedGenerator({ model: SIM_MODEL, answer: oneModelLie, delay })], embedders };
  for (let i = 0; i < (mix['lying-embedding'] ?? 0); i++) {
    yield { generators: [new GarbageGenerator(seededRandom(random() * 2 ** 32))], embedders: embedders.map((inner) => new LyingEmbedder(inner, honestAnswer(ctx.prompt))) };
  }
  for (const generator of jsonAttackers(mix, () => new ScriptedGenerator({ model: SIM_MODEL, answer: honestAnswer, delay }))) yield { generators: [generator], embedders };
}
