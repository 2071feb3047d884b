/**
 * Host sites under a strict Content-Security-Policy, for the README's "Embedding in your site": the
 * local relays on the ports the pages name, and one origin per page kind (an observer site and a
 * contributor site) serving its page, the script-tag bundle and the test models, with that kind's
 * CSP on every answer (worker scripts obey the CSP of their own response, so it covers them too).
 * Each header also names a report-uri, which allows nothing more: a refusal inside a worker reaches
 * neither the document's events nor the page's console, but the browser reports it there.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startRelays, type Relays } from '../tools/relay/relays.js';
import { createModelHandler } from '../tools/model-server.js';
import { LIT_POLICY_NAME } from '../tools/lit-policy-name.js';
import { WORKER_POLICY_NAME } from '../src/engines/trusted-worker.js';
import { serveStatic, type StaticServer } from './static-server.js';

const PAGES = fileURLToPath(new URL('./pages/embed/', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** The relays the embed pages name (the demo's ports). */
export const EMBED_RELAYS = 'ws://127.0.0.1:8787 ws://127.0.0.1:8788';

/** Asks the network, never contributes: bundle and chunks, the relays, and mqtt.js's keepalive timer worker (a blob:). */
export const OBSERVER_CSP = `default-src 'none'; script-src 'self'; connect-src ${EMBED_RELAYS}; worker-src blob:`;

/** Also runs the engines: WebAssembly compilation, the engine worker, and fetches of the models and the runtime's .wasm. */
export const CONTRIBUTOR_CSP = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${EMBED_RELAYS}; worker-src 'self' blob:`;

/** The contributor's, on a page that enforces Trusted Types: our Lit's policy and our workers'. */
export const TRUSTED_TYPES_CSP = `${CONTRIBUTOR_CSP}; require-trusted-types-for 'script'; trusted-types ${LIT_POLICY_NAME} ${WORKER_POLICY_NAME}`;

const REPORT_PATH = '/csp-report';

export interface EmbedSites {
  relays: Relays;
  /** Every CSP violation report the browser sent either site (`directive blocked-uri (source)`), pages and workers alike. */
  reports: string[];
  /** The observer page, served under OBSERVER_CSP. */
  observer: string;
  /** The contributor page, served under CONTRIBUTOR_CSP. */
  contributor: string;
  /** A contributor page (torrent only), served under TRUSTED_TYPES_CSP. */
  trustedTypes: string;
  close(): Promise<void>;
}

export async function startEmbedSites(): Promise<EmbedSites> {
  const relays = await startRelays({ ports: { torrent: 8787, mqtt: 8788 } });
  const reports: string[] = [];
  const site = (csp: string): Promise<StaticServer> => {
    const headers = { 'content-security-policy': `${csp}; report-uri ${REPORT_PATH}` };
    const models = createModelHandler({ headers });
    return serveStatic([PAGES, DIST], headers, (req, res) => {
      if (req.method !== 'POST' || req.url !== REPORT_PATH) return models(req, res);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk));
      req.on('end', () => {
        const report = (JSON.parse(body) as { 'csp-report': Record<string, string> })['csp-report'];
        reports.push(`${report['effective-directive']} ${report['blocked-uri']} (${report['source-file'] ?? report['document-uri']})`);
        res.writeHead(204).end();
      });
      return true;
    });
  };
  const [observer, contributor, trustedTypes] = await Promise.all([site(OBSERVER_CSP), site(CONTRIBUTOR_CSP), site(TRUSTED_TYPES_CSP)]);
  return {
    relays,
    reports,
    observer: `${observer.origin}/observer.html`,
    contributor: `${contributor.origin}/contributor.html`,
    trustedTypes: `${trustedTypes.origin}/contributor-trusted-types.html`,
    close: async () => {
      await Promise.all([observer.close(), contributor.close(), trustedTypes.close()]);
      await relays.close();
    },
  };
}

/**
 * Collects, from before the page's first script, what the page's CSP refuses in the document
 * (`securitypolicyviolation` events) and every error the page or its workers print or throw.
 */
export async function watchPage(page: Page): Promise<{ violations: string[]; errors: string[] }> {
  const violations: string[] = [];
  const errors: string[] = [];
  await page.exposeFunction('__rakisCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __rakisCspViolation(text: string): void }).__rakisCspViolation(`${event.effectiveDirective} ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console${message.worker() ? ' (worker)' : ''}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return { violations, errors };
}
