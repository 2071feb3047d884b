import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { serveStatic, type StaticServer } from './static-server.js';

/**
 * Builds the element fixture pages with Vite into a temp dir and serves them on 127.0.0.1. Like the
 * mesh fixtures, a production build; unlike them, with ES-module workers, because the elements reach
 * the node, whose engine loader code-splits its workers.
 */
export async function buildElementFixture(root: string, entries: string[]): Promise<StaticServer> {
  const outDir = await mkdtemp(join(tmpdir(), 'rakis-elements-'));
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
