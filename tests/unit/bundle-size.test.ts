import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';

// The script-tag bundle a blog pastes: the prompt, node, protocol, consensus and network, no engines.
// What counts is everything the browser must fetch before the elements run: dist/rakis.js and the
// chunks it imports statically (the bundler may move shared code into one); chunks loaded with
// import() (engines, signaling strategies, the store, <rakis-node> and <rakis-quorum>, the code that
// follows requests) are not part of it. `npm test` builds it first; tests/browser/follower-weight.test.ts
// measures what a page really downloads: this core plus torrent's client (19 KB), within 60 KB.
// 42 KB since the mesh routes each packet to a node over one link and the peer table shares announced lists (+0.9 KB).
const BUDGET_BYTES = 42 * 1024;
const DIST = new URL('../../dist/', import.meta.url);
// Static `import … from "./x.js"`, `export … from "./x.js"` and `import "./x.js"` of minified output; never `import("./x.js")`.
const STATIC_IMPORT = /\b(?:import|export)\s*(?:\{[^}]*\}|\*(?:\s*as\s*[\w$]+)?|[\w$]+(?:\s*,\s*\{[^}]*\})?)\s*from\s*["']\.\/([^"']+)["']|\bimport\s*["']\.\/([^"']+)["']/g;

async function eagerFiles(entry: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const pending = [entry];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (files.has(name)) continue;
    const code = await readFile(new URL(name, DIST)).catch(() => {
      throw new Error(`dist/${name} is missing: run \`npm run build\` first`);
    });
    files.set(name, code);
    for (const match of code.toString('utf8').matchAll(STATIC_IMPORT)) pending.push((match[1] ?? match[2])!);
  }
  return files;
}

test(`the script-tag bundle stays within ${BUDGET_BYTES / 1024} KB gzip`, async () => {
  const files = await eagerFiles('rakis.js');
  const code = Buffer.concat([...files.values()]);
  const gzipped = [...files.values()].reduce((sum, file) => sum + gzipSync(file, { level: 9 }).length, 0);
  console.log(`dist/rakis.js + ${files.size - 1} static chunk(s): ${(code.length / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
  expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
});

test('the bundle leaves inference engines to lazily loaded chunks', async () => {
  const code = Buffer.concat([...(await eagerFiles('rakis.js')).values()]).toString('utf8');
  for (const engine of ['onnxruntime', 'CreateMLCEngine', 'webllm', 'InferenceSession']) expect(code).not.toContain(engine);
  expect(code).toContain('rakis-node');
});

test('the code that follows requests is a chunk of its own, not part of the bundle', async () => {
  const files = await eagerFiles('rakis.js');
  expect([...files.keys()].some((name) => name.includes('request-following'))).toBe(false);
  expect(files.get('rakis.js')!.toString('utf8')).toMatch(/import\("\.\/rakis-request-following-[\w-]+\.js"\)/);
});
