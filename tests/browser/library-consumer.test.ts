import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { createModelHandler } from '../../tools/model-server.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { serveStatic, type StaticServer } from '../../testkit/static-server.js';
import { buildFixture, type FixtureBuild } from '../../testkit/vite-fixture.js';
import { waitFor } from '../../testkit/wait-for.js';

// The ESM library as a site's bundler meets it: a page built by Vite from dist/esm (not from our
// sources) contributes, its bundler re-emitting our engine worker and onnxruntime's wasm from the
// library's relative URLs. The wasm must arrive as a .wasm file (tests/unit/library-build.test.ts checks
// no script carries it inlined).
const FIXTURE = fileURLToPath(new URL('./library-consumer/', import.meta.url));

let browser: Browser;
let fixture: FixtureBuild;
let server: StaticServer;

beforeAll(async () => {
  [browser, fixture] = await Promise.all([launchChromium(), buildFixture({ root: FIXTURE, entries: ['page.html'] })]);
  server = await serveStatic([fixture.dir], {}, createModelHandler());
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fixture?.dispose();
});

test('a page bundled from dist/esm loads the engines in their worker and contributes', async () => {
  const page = await (await newContext(browser)).newPage();
  const fetched: { url: string; bytes: number }[] = [];
  // Sizes as transferred: a wasm compiled as it streams leaves no body to read back.
  page.on('requestfinished', (request) => {
    void request.sizes().then(({ responseBodySize }) => fetched.push({ url: new URL(request.url()).pathname, bytes: responseBodySize }));
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.origin}/page.html`);
  const result = await waitFor('the library page to contribute', () => page.evaluate(() => (window as unknown as { libraryResult?: { models?: string[]; error?: string } }).libraryResult), 120_000, 100);
  expect(result).toEqual({ models: ['rakis-test/lm-mini'] });
  expect(errors).toEqual([]);
  const wasm = fetched.filter((file) => file.url.endsWith('.wasm'));
  expect(wasm.length, JSON.stringify(fetched)).toBeGreaterThan(0);
  console.info(`library page: ${fetched.length} requests, wasm ${wasm.map((file) => `${file.url} ${(file.bytes / 2 ** 20).toFixed(1)} MiB`).join(', ')}`);
  expect(Math.min(...wasm.map((file) => file.bytes))).toBeGreaterThan(20 * 2 ** 20);
});
