/**
 * `npx tsx bench/json-mode.mts [--prompts N] [--json]`: the share of valid JSON that constrained
 * decoding gets from rakis-test/lm-mini (random-ish weights) in Node, over N prompts × each schema of
 * testkit/json-mode.ts, greedy and sampled (temperature 1, one seed per prompt); it must be 100%. The
 * baseline in the same run is the same model unconstrained (a share near 0%), and the cost of the
 * mask is the ratio of milliseconds per token constrained / unconstrained.
 * With --json the last line is one JSON object with the same figures.
 */
import { fileURLToPath } from 'node:url';
import { TransformersLlmEngine } from '../src/engines/transformers-llm-engine.js';
import { parseCli } from '../testkit/cli.js';
import { JSON_SCHEMAS, jsonPrompts, measureValidShare, type ValidShare } from '../testkit/json-mode.js';

const cli = parseCli(import.meta.url, { prompts: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } });
const count = Number(cli.values.prompts);
if (!Number.isInteger(count) || count < 1) cli.fail('--prompts must be a positive integer');
const MAX_TOKENS = 120;

const engine = new TransformersLlmEngine('rakis-test/lm-mini', { modelBaseUrl: fileURLToPath(new URL('../models/', import.meta.url)), thread: 'main' });
await engine.load();
const prompts = jsonPrompts(count);
const rows: (ValidShare & { mode: string })[] = [];
for (const name of Object.keys(JSON_SCHEMAS)) {
  const schema = JSON_SCHEMAS[name]!;
  const modes = {
    unconstrained: (prompt: string) => engine.generate(prompt, { maxTokens: MAX_TOKENS }).result,
    greedy: (prompt: string) => engine.generate(prompt, { maxTokens: MAX_TOKENS, responseSchema: schema }).result,
    sampled: (prompt: string, seed: number) => engine.generate(prompt, { maxTokens: MAX_TOKENS, temperature: 1, seed, responseSchema: schema }).result,
  };
  for (const [mode, generate] of Object.entries(modes)) rows.push({ mode, ...(await measureValidShare(name, prompts, generate)) });
}
await engine.unload();

const msPerToken = (mode: string) => {
  const picked = rows.filter((row) => row.mode === mode);
  return picked.reduce((sum, row) => sum + row.ms, 0) / picked.reduce((sum, row) => sum + row.tokens, 0);
};
const constrained = rows.filter((row) => row.mode !== 'unconstrained');
const summary = {
  prompts: count,
  schemas: Object.keys(JSON_SCHEMAS).length,
  constrainedAnswers: constrained.reduce((sum, row) => sum + row.answers, 0),
  constrainedValidShare: constrained.reduce((sum, row) => sum + row.valid, 0) / constrained.reduce((sum, row) => sum + row.answers, 0),
  unconstrainedValidShare: rows.filter((row) => row.mode === 'unconstrained').reduce((sum, row) => sum + row.valid, 0) / (count * Object.keys(JSON_SCHEMAS).length),
  msPerTokenRatio: Number((msPerToken('greedy') / msPerToken('unconstrained')).toFixed(2)),
};
if (cli.values.json) console.log(JSON.stringify({ rows, summary }));
else {
  console.log('schema   mode           valid/answers  share    ms/token');
  for (const row of rows) {
    console.log(`${row.schema.padEnd(8)} ${row.mode.padEnd(14)} ${`${row.valid}/${row.answers}`.padEnd(14)} ${((100 * row.valid) / row.answers).toFixed(1).padStart(5)}%  ${(row.ms / row.tokens).toFixed(2)}`);
    for (const problem of row.mode === 'unconstrained' ? [] : row.problems) console.log(`  ${problem}`);
  }
  console.log(`constrained: ${(100 * summary.constrainedValidShare).toFixed(1)}% valid of ${summary.constrainedAnswers} answers; unconstrained baseline ${(100 * summary.unconstrainedValidShare).toFixed(1)}%; ms/token constrained ÷ unconstrained = ${summary.msPerTokenRatio}`);
}
if (summary.constrainedValidShare < 1) process.exitCode = 1;
