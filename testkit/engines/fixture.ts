/**
 * The engines fixture: pages/engines-page.html built with Vite (workers as ES modules, heavy libraries as lazy
 * chunks), cached by a hash of its sources so test files and the bench build it once, and served
 * together with the model server on one 127.0.0.1 origin, optionally under a strict CSP.
 */
import { fileURLToPath } from 'node:url';
import { createModelHandler } from '../../tools/model-server.js';
import { serveStatic } from '../static-server.js';
import { buildFixture } from '../vite-fixture.js';

const PAGES = fileURLToPath(new URL('../pages/', import.meta.url));
/** What the fixture build depends on: a change to any of them makes a new build. */
const SOURCES = [
  'src/engines',
  'src/consensus',
  'src/protocol',
  'testkit/pages/engines-page.html',
  'testkit/pages/engines-page.ts',
  'testkit/pages/engines-page-api.ts',
  'testkit/vite-fixture.ts',
  'package-lock.json',
];

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'";

/** Builds the fixture (or reuses a build of the same sources) and returns its directory. */
export async function buildEnginesFixture(): Promise<string> {
  const fixture = await buildFixture({ root: PAGES, entries: ['engines-page.html'], cache: { name: 'rakis-engines-fixture', sources: SOURCES } });
  return fixture.dir;
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
  const server = await serveStatic([dir], headers, (req, res) => {
    requests.push(`${req.url ?? '/'}${req.headers.range ? ' [range]' : ''}`);
    return models(req, res);
  });
  return { ...server, page: `${server.origin}/engines-page.html`, requests };
}
