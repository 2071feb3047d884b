import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// The ESM library build (dist/esm, what `import … from 'rakis-elements'` gets) as a bundler meets it:
// its engine workers and onnxruntime's wasm are files found relative to the chunk naming them, wherever
// the consumer's build puts them, and no chunk carries a wasm inlined (Vite's library mode inlines every
// asset: the worker's chunk was 72 MB of base64, and the workers' URLs began at the site's root).
const ESM = fileURLToPath(new URL('../../dist/esm/', import.meta.url));
const URL_LITERAL = /new URL\(\s*(?:"" \+ new URL\(\s*)?"([^"]+)",\s*import\.meta\.url/g;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new Error(`${dir} is missing: run \`npm run build\` first`);
  });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat();
}

test('dist/esm names its workers and wasm by relative URLs that exist, and inlines no wasm', async () => {
  const all = await files(ESM);
  const scripts = all.filter((file) => file.endsWith('.js'));
  const named: string[] = [];
  for (const file of scripts) {
    const code = await readFile(file, 'utf8');
    expect(code.includes('data:application/wasm'), `${relative(ESM, file)} inlines a wasm`).toBe(false);
    for (const [, url] of code.matchAll(URL_LITERAL)) {
      expect(url!.startsWith('/'), `${relative(ESM, file)} names ${url} from the site's root`).toBe(false);
      const target = join(dirname(file), url!);
      expect((await stat(target).catch(() => undefined))?.isFile(), `${relative(ESM, file)} names ${url}, which is not there`).toBe(true);
      named.push(relative(ESM, target));
    }
  }
  expect(named.some((name) => /^assets\/engine-worker-[\w-]+\.js$/.test(name))).toBe(true);
  expect(named.some((name) => /^assets\/ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(name))).toBe(true);
  const sizes = await Promise.all(all.map(async (file) => (await stat(file)).size));
  const largestScript = Math.max(...scripts.map((file) => sizes[all.indexOf(file)]!));
  console.log(`dist/esm: ${all.length} files, ${(sizes.reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(1)} MiB, largest script ${(largestScript / 2 ** 20).toFixed(1)} MiB`);
  // The largest script is WebLLM's worker (about 6 MiB); an inlined wasm would be over 30.
  expect(largestScript).toBeLessThan(10 * 2 ** 20);
});
