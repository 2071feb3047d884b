import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libp2pWebrtcPatch } from '../tools/libp2p-webrtc-patch.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));

export interface FixtureBuildOptions {
  /** Directory holding the HTML entries. */
  root: string;
  /** HTML entries, relative to `root`. */
  entries: string[];
  /**
   * Reuse a build of the same sources across test files and runs: the build goes to
   * `<tmpdir>/<name>-<hash of sources>` and is kept. Sources are repository-relative files or folders.
   */
  cache?: { name: string; sources: string[] };
}

export interface FixtureBuild {
  dir: string;
  /** Removes the build, unless it is a cached one. */
  dispose(): Promise<void>;
}

/**
 * Builds fixture pages (HTML entries whose scripts import our TypeScript) with Vite. A production
 * build, not the dev server: no dependency re-optimisation reloading pages mid-test. Workers are ES
 * modules, since the node's engine loader code-splits them.
 */
export async function buildFixture({ root, entries, cache }: FixtureBuildOptions): Promise<FixtureBuild> {
  const outDir = cache ? join(tmpdir(), `${cache.name}-${await sourceHash(cache.sources)}`) : await mkdtemp(join(tmpdir(), 'rakis-fixture-'));
  const dispose = cache ? async () => {} : () => rm(outDir, { recursive: true, force: true });
  if (cache && existsSync(join(outDir, '.complete'))) return { dir: outDir, dispose };
  const { build } = await import('vite');
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    base: './',
    plugins: [libp2pWebrtcPatch()],
    worker: { format: 'es' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 10_000,
      rollupOptions: { input: entries.map((entry) => join(root, entry)) },
    },
  });
  if (cache) await writeFile(join(outDir, '.complete'), '');
  return { dir: outDir, dispose };
}

async function sourceHash(sources: string[]): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      hash.update(relative(REPO, path)).update(await readFile(path));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) await visit(join(path, entry.name));
  };
  for (const source of sources) await visit(join(REPO, source));
  return hash.digest('hex').slice(0, 16);
}
