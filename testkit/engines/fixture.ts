/**
 * The engines fixture: the page above built with Vite (workers as ES modules, heavy libraries as lazy
 * chunks), cached by a hash of its sources so test files and the bench build it once, and served
 * together with the model server on one 127.0.0.1 origin, optionally under a strict CSP.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createModelHandler, serveFile } from '../../../tools/model-server.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PAGE_DIR = fileURLToPath(new URL('./', import.meta.url));
const SOURCES = [
  'src/engines',
  'src/consensus',
  'src/protocol',
  'tests/browser/engines/engines-page.html',
  'tests/browser/engines/engines-page.ts',
  'tests/browser/engines/engines-page-api.ts',
  'package-lock.json',
];

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'";

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
    if (!entries) {
      hash.update(relative(REPO, path)).update(await readFile(path));
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) await visit(join(path, entry.name));
  };
  for (const source of SOURCES) await visit(join(REPO, source));
  return hash.digest('hex').slice(0, 16);
}

/** Builds the fixture (or reuses a build of the same sources) and returns its directory. */
export async function buildEnginesFixture(): Promise<string> {
  const outDir = join(tmpdir(), `rakis-engines-fixture-${await sourceHash()}`);
  if (existsSync(join(outDir, '.complete'))) return outDir;
  const { build } = await import('vite');
  await build({
    root: PAGE_DIR,
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
      chunkSizeWarningLimit: 10_000,
      rollupOptions: { input: join(PAGE_DIR, 'engines-page.html') },
    },
  });
  await writeFile(join(outDir, '.complete'), '');
  return outDir;
}

export interface EnginesServer {
  origin: string;
  page: string;
  /** Every URL requested from this server, in order (`[range]` marks partial requests). */
  requests: string[];
  close(): Promise<void>;
}

export async function startEnginesServer({ csp = false }: { csp?: boolean } = {}): Promise<EnginesServer> {
  const dir = await buildEnginesFixture();
  const headers: Record<string, string> = csp ? { 'content-security-policy': STRICT_CSP } : {};
  const models = createModelHandler({ headers });
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.url ?? '/'}${req.headers.range ? ' [range]' : ''}`);
    if (models(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.endsWith('.html')) {
      void readFile(join(dir, path)).then(
        (body) => res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(body),
        () => res.writeHead(404).end('not found'),
      );
      return;
    }
    void serveFile(req, res, dir, path.slice(1), headers);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    page: `${origin}/engines-page.html`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Removes every cached fixture build (for a clean rebuild). */
export async function removeFixtureBuilds(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    if (name.startsWith('rakis-engines-fixture-')) await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}
