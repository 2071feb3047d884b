import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { serveStatic, type StaticServer } from './static-server.js';

/** http://127.0.0.1:PORT (a secure context for the pages) and a way to stop serving. */
export type FixtureServer = StaticServer;

/**
 * Builds fixture pages (HTML entries whose scripts import our TypeScript) with Vite into a temp dir and
 * serves them on 127.0.0.1. A production build, not the dev server: no dependency re-optimisation
 * reloading pages mid-test. Workers are ES modules, since the node's engine loader code-splits them.
 */
export async function buildAndServeFixture(root: string, entries: string[]): Promise<FixtureServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'rakis-fixture-'));
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    base: './',
    worker: { format: 'es' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      reportCompressedSize: false,
      rollupOptions: { input: entries.map((entry) => join(root, entry)) },
    },
  });
  const server = await serveStatic([outDir]);
  return {
    origin: server.origin,
    close: async () => {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
