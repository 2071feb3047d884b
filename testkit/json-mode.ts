/** Schemas and prompts for JSON mode, shared by the decoder's test, its bench and the simulator. */
import { readJsonAnswer, type ObjectSchema } from '../src/protocol/index.js';

export const JSON_SCHEMAS: Record<string, ObjectSchema> = {
  review: {
    type: 'object',
    properties: {
      summary: { type: 'string', maxLength: 40 },
      sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] },
      stars: { type: 'integer' },
      recommended: { type: 'boolean' },
    },
    required: ['summary', 'sentiment', 'stars', 'recommended'],
  },
  listing: {
    type: 'object',
    properties: {
      title: { type: 'string', maxLength: 24 },
      sku: { type: 'string', 'x-match': 'exact', maxLength: 12 },
      price: { type: 'number' },
      tags: { type: 'array', items: { type: 'string', maxLength: 10 }, minItems: 1, maxItems: 3 },
    },
    required: ['title', 'sku', 'price', 'tags'],
  },
  nested: {
    type: 'object',
    properties: {
      answer: { type: 'string', maxLength: 20 },
      facts: {
        type: 'array',
        maxItems: 2,
        items: { type: 'object', properties: { name: { type: 'string', maxLength: 8 }, value: { type: 'number' }, sure: { type: 'boolean' } } },
      },
    },
  },
};

const SUBJECTS = ['the blue kettle', 'a used bicycle', 'the corner bakery', 'this phone case', 'an old map', 'the night train', 'a wool scarf', 'the garden hose', 'a paper lamp', 'the city museum'];
const ASKS = ['Describe', 'Review', 'Summarize', 'Rate', 'List facts about'];

/** `count` distinct short prompts (the test LM's context is 256 tokens: prompt and answer share it). */
export function jsonPrompts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${ASKS[i % ASKS.length]} ${SUBJECTS[Math.floor(i / ASKS.length) % SUBJECTS.length]} as JSON.`);
}

export interface ValidShare {
  schema: string;
  answers: number;
  valid: number;
  tokens: number;
  ms: number;
  /** The first few problems, for a report. */
  problems: string[];
}

/**
 * Asks `generate` one answer per prompt for a schema and counts those that parse and fit it (the
 * share the constrained decoder must keep at 100%).
 */
export async function measureValidShare(
  schemaName: string,
  prompts: readonly string[],
  generate: (prompt: string, index: number) => Promise<{ text: string; tokens: number }>,
): Promise<ValidShare> {
  const schema = JSON_SCHEMAS[schemaName]!;
  const share: ValidShare = { schema: schemaName, answers: 0, valid: 0, tokens: 0, ms: 0, problems: [] };
  for (const [index, prompt] of prompts.entries()) {
    const started = performance.now();
    const { text, tokens } = await generate(prompt, index);
    share.ms += performance.now() - started;
    share.answers++;
    share.tokens += tokens;
    const read = readJsonAnswer(text, schema);
    if ('problem' in read) {
      if (share.problems.length < 3) share.problems.push(`${read.problem}: ${JSON.stringify(text.slice(0, 80))}`);
    } else share.valid++;
  }
  return share;
}
