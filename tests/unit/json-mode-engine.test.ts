// Constrained decoding through the real transformers.js path on rakis-test/lm-mini (random-ish
// weights): every answer must be JSON that fits the schema. The full count is bench/json-mode.mts.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { TransformersLlmEngine } from '../../src/engines/transformers-llm-engine.js';
import { JSON_SCHEMAS, jsonPrompts, measureValidShare } from '../../testkit/json-mode.js';

const engine = new TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: fileURLToPath(new URL('../../models/', import.meta.url)), thread: 'main' });
beforeAll(() => engine.load());
afterAll(() => engine.unload());

const PROMPTS = jsonPrompts(8);

test.each(Object.keys(JSON_SCHEMAS))('every %s answer is valid JSON, greedy and sampled', async (name) => {
  const schema = JSON_SCHEMAS[name]!;
  const greedy = await measureValidShare(name, PROMPTS, (prompt) => engine.generate(prompt, { maxTokens: 120, responseSchema: schema }).result);
  const sampled = await measureValidShare(name, PROMPTS, (prompt, seed) => engine.generate(prompt, { maxTokens: 120, temperature: 1, seed, responseSchema: schema }).result);
  console.log(`${name}: greedy ${greedy.valid}/${greedy.answers} valid, sampled ${sampled.valid}/${sampled.answers} valid`);
  expect(greedy.problems).toEqual([]);
  expect(sampled.problems).toEqual([]);
  expect(greedy.valid).toBe(PROMPTS.length);
});

test('the same model unconstrained rarely writes fitting JSON (the mask is what makes it valid)', async () => {
  const free = await measureValidShare('review', PROMPTS, (prompt) => engine.generate(prompt, { maxTokens: 120 }).result);
  expect(free.valid).toBeLessThan(free.answers);
});

test('a budget too small for the shortest fitting answer fails the generation with the reason', async () => {
  await expect(engine.generate('Rate it', { maxTokens: 10, responseSchema: JSON_SCHEMAS.review! }).result).rejects.toThrow('needs');
});
