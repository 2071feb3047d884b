import { embeddingTextOf, readJsonAnswer, splitJsonAnswer, type ObjectSchema } from '../../src/protocol/index.js';
import type { Generation, GenerationParams, TextGenerator } from '../../src/node/index.js';
import type { ByzantineMix } from './scenarios.js';

/**
 * JSON mode in the simulator: the request carries `SIM_SCHEMA`; an honest worker's answer is its
 * (paraphrase-noisy) text in the free field with the honest exact fields. Two liars:
 * - `json-exact-liar`: the honest text, word for word, with one exact field changed (the embedding
 *   cannot tell it apart; only the exact comparison can);
 * - `json-invalid`: the honest JSON cut short, so it does not parse (its embedding, of the whole text,
 *   is near the honest one).
 */
export const SIM_SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    answer: { type: 'string', maxLength: 400 },
    colour: { type: 'string', enum: ['blue', 'red', 'green'] },
    wavelengthNm: { type: 'integer' },
    scattering: { type: 'string', 'x-match': 'exact' },
    confident: { type: 'boolean' },
  },
  required: ['answer', 'colour', 'wavelengthNm', 'scattering', 'confident'],
};

const HONEST_EXACT = { colour: 'blue', wavelengthNm: 450, scattering: 'Rayleigh', confident: true };
/** Each liar changes one exact field, in turn. */
const LIES: Partial<typeof HONEST_EXACT>[] = [{ wavelengthNm: 700 }, { colour: 'red' }, { scattering: 'Mie' }, { confident: false }];

export const JSON_NODE_KINDS = ['json-exact-liar', 'json-invalid'] as const;

type Shape = 'honest' | 'exact-liar' | 'invalid';

/** Wraps a text generator so its text becomes the free field of a JSON answer. */
export class JsonAnswerGenerator implements TextGenerator {
  readonly model: string;

  constructor(
    private readonly inner: TextGenerator,
    private readonly shape: Shape,
    private readonly lie = 0,
  ) {
    this.model = inner.model;
  }

  async generate(prompt: string, params: GenerationParams): Promise<Generation> {
    const { text, tokens } = await this.inner.generate(prompt, params);
    const exact = this.shape === 'exact-liar' ? { ...HONEST_EXACT, ...LIES[this.lie % LIES.length] } : HONEST_EXACT;
    const json = JSON.stringify({ answer: text, ...exact });
    return { text: this.shape === 'invalid' ? json.slice(0, -1) : json, tokens };
  }

  healthy(): boolean {
    return this.inner.healthy();
  }
}

/** The honest generator in a JSON-mode scenario, as is otherwise. */
export function honestGenerator(json: boolean | undefined, inner: TextGenerator): TextGenerator {
  return json ? new JsonAnswerGenerator(inner, 'honest') : inner;
}

/** The JSON liars of a mix, each around a generator of the honest text (no paraphrase noise). */
export function jsonAttackers(mix: ByzantineMix, honestText: () => TextGenerator): TextGenerator[] {
  const liars = Array.from({ length: mix['json-exact-liar'] ?? 0 }, (_, i) => new JsonAnswerGenerator(honestText(), 'exact-liar', i));
  const invalid = Array.from({ length: mix['json-invalid'] ?? 0 }, () => new JsonAnswerGenerator(honestText(), 'invalid'));
  return [...liars, ...invalid];
}

export function jsonAttackerCount(mix: ByzantineMix): number {
  return (mix['json-exact-liar'] ?? 0) + (mix['json-invalid'] ?? 0);
}

/**
 * In JSON mode a decided answer not from an honest committer is correct only if it fits the schema,
 * has the honest exact fields, and its free text lies within the radius of the honest text.
 */
export function jsonAnswerFits(output: string, honestText: string, withinRadius: (freeText: string) => boolean): boolean {
  const read = readJsonAnswer(output, SIM_SCHEMA);
  if ('problem' in read) return false;
  const honest = splitJsonAnswer({ answer: honestText, ...HONEST_EXACT }, SIM_SCHEMA).exactKey;
  return splitJsonAnswer(read.value, SIM_SCHEMA).exactKey === honest && withinRadius(embeddingTextOf(output, SIM_SCHEMA));
}
