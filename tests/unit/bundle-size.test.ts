import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';

// The script-tag bundle a blog pastes: elements, node, protocol, consensus and network, no engines.
// `npm test` builds it before the unit tests run.
const BUDGET_BYTES = 60 * 1024;
const bundle = new URL('../../dist/rakis.js', import.meta.url);

test(`dist/rakis.js stays within ${BUDGET_BYTES / 1024} KB gzip`, async () => {
  const code = await readFile(bundle).catch(() => {
    throw new Error('dist/rakis.js is missing: run `npm run build` first');
  });
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(`dist/rakis.js: ${(code.length / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
  expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
});

test('the bundle leaves inference engines to lazily loaded chunks', async () => {
  const code = await readFile(bundle, 'utf8');
  for (const engine of ['onnxruntime', '@mlc-ai/web-llm', 'CreateMLCEngine', 'transformers.js']) expect(code).not.toContain(engine);
  expect(code).toContain('rakis-node');
});
