import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../../tools/demo-stack.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { waitFor } from '../../testkit/wait-for.js';
import { collectErrors, seriousViolations } from './support/page-checks.js';

// The demo pages as `npm start` serves them (script-tag bundle, local relays on the ports the pages
// name): each comes up in its first state without console errors or serious axe violations.
// The multi-page network run with real models is the end-to-end test's.
let stack: DemoStack;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startDemoStack({ port: 0, relayPorts: { torrent: 8787, mqtt: 8788, nostr: 8789 } }), launchChromium({ webrtc: true })]);
  context = await newContext(browser, { webrtc: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors = collectErrors(page);
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${stack.origin}/demo/${path}`);
  return { page, errors };
}

const stateOf = (page: Page, selector: string) => page.evaluate((s) => document.querySelector(s)?.getAttribute('state'), selector);
/** The text a visitor reads inside an element's shadow root. */
const shadowText = (page: Page, selector: string) =>
  page.evaluate((s) => document.querySelector(s)?.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '', selector);

describe('demo pages', () => {
  test('blog: the node joins and asks the visitor before contributing', async () => {
    const { page, errors } = await open('blog.html');
    await waitFor('the consent panel', async () => (await stateOf(page, 'rakis-node')) === 'asking', 20_000);
    const text = await shadowText(page, 'rakis-node');
    expect(text).toMatch(/Contribute compute to the Rakis network\?/);
    expect(text).toMatch(/rakis-test\/lm-mini/);
    expect(text).toMatch(/\/models\//);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('marketplace: the prompt starts an observer node of its own and is ready', async () => {
    const { page, errors } = await open('nft.html');
    await waitFor('the prompt', async () => (await stateOf(page, 'rakis-prompt')) === 'idle', 20_000);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('api: naming an endpoint opens the consent panel that asks for its key and says where it goes', async () => {
    const { page, errors } = await open('api.html');
    await waitFor('the node', async () => (await stateOf(page, 'rakis-node')) === 'running', 20_000);
    await page.locator('#endpoint').fill(stack.api!.server.baseUrl);
    await page.getByRole('button', { name: 'Use this endpoint' }).click();
    await waitFor('the consent panel', async () => (await stateOf(page, 'rakis-node')) === 'asking', 10_000);
    const text = await shadowText(page, 'rakis-node');
    expect(text).toContain(`answered by ${stack.api!.server.baseUrl}`);
    expect(text).toMatch(/sent only to .*, never to other nodes/);
    expect(await page.getByLabel('API key').getAttribute('type')).toBe('password');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('dashboard: node, peers and the quorum view waiting for a request; it sees the blog page as a peer', async () => {
    const blog = await open('blog.html');
    const { page, errors } = await open('dashboard.html');
    await waitFor('the dashboard node', async () => (await stateOf(page, 'rakis-node')) === 'running', 20_000);
    expect(await stateOf(page, 'rakis-quorum')).toBe('idle');
    await waitFor('the blog page as a peer', async () => /Peers \(1\)/.test(await shadowText(page, 'rakis-node')), 20_000);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await Promise.all([page.close(), blog.page.close()]);
  });
});
