import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { stateOf } from '../../testkit/demo-drive.js';
import { watchPage } from '../../testkit/embed-site.js';
import { serveStatic, type StaticServer } from '../../testkit/static-server.js';
import { buildFixture, type FixtureBuild } from '../../testkit/vite-fixture.js';
import { waitFor } from '../../testkit/wait-for.js';

// The script-tag bundle on pages that enforce Trusted Types, with exactly the `trusted-types` names the
// README's "Embedding in your site" gives: beside the host page's own Lit (which creates the
// `lit-html` policy first), and alone.
const FIXTURES = fileURLToPath(new URL('./trusted-types/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const BESIDE_LIT = "default-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html rakis-lit";
const ALONE = "default-src 'self'; require-trusted-types-for 'script'; trusted-types rakis-lit";

let browser: Browser;
let context: BrowserContext;
let fixture: FixtureBuild;
let besideLit: StaticServer;
let alone: StaticServer;

beforeAll(async () => {
  [browser, fixture] = await Promise.all([launchChromium(), buildFixture({ root: FIXTURES, entries: ['host-page.html', 'our-bundle-only.html'] })]);
  context = await newContext(browser);
  const serve = (csp: string) => serveStatic([fixture.dir, DIST], { 'content-security-policy': csp });
  [besideLit, alone] = await Promise.all([serve(BESIDE_LIT), serve(ALONE)]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([besideLit?.close(), alone?.close()]);
  await fixture?.dispose();
});

/** Opens the page, waits for our prompt's form, and returns what the page reported meanwhile. */
async function openAndRender(url: string): Promise<{ page: Page; violations: string[]; errors: string[] }> {
  const page = await context.newPage();
  const watched = await watchPage(page);
  await page.goto(url);
  await waitFor('the prompt', async () => (await stateOf(page, 'rakis-prompt')) === 'idle', 15_000).catch((error: unknown) => {
    throw new Error(`${String(error)}; violations: ${JSON.stringify(watched.violations)}; errors: ${JSON.stringify(watched.errors)}`);
  });
  expect(await page.locator('rakis-prompt textarea[part="prompt"]').isVisible()).toBe(true);
  expect(await page.locator('rakis-prompt').getByRole('button', { name: 'Ask' }).isVisible()).toBe(true);
  // The node element is a chunk of its own, defined once the page holds one (as this page does).
  expect(await page.evaluate(() => Promise.all(['rakis-node', 'rakis-prompt'].map((tag) => customElements.whenDefined(tag).then(() => true))))).toEqual([true, true]);
  expect(await stateOf(page, 'rakis-node')).toBe('running');
  return { page, ...watched };
}

/** Whether the page really enforces Trusted Types: a plain string into innerHTML is refused. */
function enforced(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    try {
      document.createElement('div').innerHTML = '<b>plain string</b>';
      return false;
    } catch {
      return true;
    }
  });
}

describe('Trusted Types enforced', () => {
  test(`beside the host page's Lit: our elements register and render (${BESIDE_LIT})`, async () => {
    const { page, violations, errors } = await openAndRender(`${besideLit.origin}/host-page.html`);
    expect(await page.evaluate(() => document.querySelector('host-greeting')?.shadowRoot?.textContent)).toContain("Rendered by the host page's Lit");
    expect({ violations, errors }).toEqual({ violations: [], errors: [] });
    expect(await enforced(page)).toBe(true);
    await page.close();
  });

  test(`alone: our elements register and render (${ALONE})`, async () => {
    const { page, violations, errors } = await openAndRender(`${alone.origin}/our-bundle-only.html`);
    expect({ violations, errors }).toEqual({ violations: [], errors: [] });
    expect(await enforced(page)).toBe(true);
    await page.close();
  });
});
