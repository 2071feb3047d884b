import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../../tools/demo-stack.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { askOnPage, stateOf } from '../../testkit/demo-drive.js';
import { waitFor } from '../../testkit/wait-for.js';

// A node that answers through an API: demo/api.html contributes through `npm start`'s local
// OpenAI-compatible server (the test LM in Node), two blog pages answer with the in-page engine, and
// all three agree in one quorum. Before that, an unreachable endpoint and a wrong key each fail the
// contribution with an explained error while the node keeps running with the same identity.
const ARTIFACTS = new URL('../../test-results/e2e/', import.meta.url).pathname;
const WINDOW_MS = 20_000;

let stack: DemoStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
let apiPage: Page;
const blogs: Page[] = [];
let nft: Page;

type NodeOnPage = HTMLElement & { node?: { synthientId: string; quorum(id: string): { reveals: { from: string; output: string }[]; decision?: { output: string; resultHash: string }; attestations: { resultHash: string; count: number }[] } | undefined } };

const shadowText = (page: Page) => page.evaluate(() => document.querySelector('rakis-node')?.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '');
const synthientIdOf = (page: Page) => page.evaluate(() => (document.querySelector('rakis-node') as NodeOnPage).node?.synthientId);
const button = (page: Page, name: string) => page.locator('rakis-node').getByRole('button', { name });

async function useEndpoint(page: Page, endpoint: string): Promise<void> {
  await page.locator('#endpoint').fill(endpoint);
  await page.getByRole('button', { name: 'Use this endpoint' }).click();
}

/** Types the key into the node's consent panel and starts; resolves when the contribution settled. */
async function contributeWithKey(page: Page, key: string): Promise<string> {
  if ((await stateOf(page, 'rakis-node')) !== 'asking') await button(page, 'Contribute compute…').click();
  await waitFor('the consent panel', async () => (await stateOf(page, 'rakis-node')) === 'asking', 10_000);
  await page.locator('rakis-node input[type=password]').fill(key);
  await button(page, 'Start contributing').click();
  await waitFor('the contribution to settle', async () => ['contributing', 'error'].includes((await stateOf(page, 'rakis-node')) ?? ''), 120_000);
  return (await stateOf(page, 'rakis-node'))!;
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  stack = await startDemoStack({ port: 0, relayPorts: { torrent: 8787, mqtt: 8788, nostr: 8789 }, api: { port: 0 } });
  browser = await launchChromium({ webrtc: true });
  // A context each: pages of one site in one context share one node (one node per site).
  for (let i = 0; i < 3; i++) contexts.push(await newContext(browser, { webrtc: true }));
  apiPage = await contexts[0]!.newPage();
  await apiPage.goto(stack.pages.api!);
  await waitFor('the node', async () => (await stateOf(apiPage, 'rakis-node')) === 'running', 30_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

test('an unreachable endpoint and then a wrong key each show why; the node keeps running and then contributes with the right key', async () => {
  const identity = await synthientIdOf(apiPage);
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/v1`;
  await new Promise((resolve) => closed.close(resolve));

  await useEndpoint(apiPage, unreachable);
  expect(await contributeWithKey(apiPage, stack.api!.key)).toBe('error');
  expect(await shadowText(apiPage)).toMatch(new RegExp(`Could not start contributing\\s*cannot reach ${unreachable.replace(/[.]/g, '\\.')}`));
  await apiPage.screenshot({ path: `${ARTIFACTS}api-unreachable.png`, fullPage: true });
  await button(apiPage, 'Close').click();

  await useEndpoint(apiPage, stack.api!.server.baseUrl);
  expect(await contributeWithKey(apiPage, 'not-the-key')).toBe('error');
  expect(await shadowText(apiPage)).toMatch(/refused the key \(HTTP 401: Incorrect API key provided\.\); check the API key/);
  await apiPage.screenshot({ path: `${ARTIFACTS}api-wrong-key.png`, fullPage: true });
  await button(apiPage, 'Close').click();

  expect(await contributeWithKey(apiPage, stack.api!.key)).toBe('contributing');
  expect(await synthientIdOf(apiPage)).toBe(identity);
  expect(await shadowText(apiPage)).toContain(`rakis-test/lm-mini through ${stack.api!.server.baseUrl}`);
}, 240_000);

test('the API node and two in-page nodes agree in one quorum', async () => {
  for (const context of contexts.slice(1)) {
    const blog = await context.newPage();
    await blog.goto(stack.pages.blog!);
    await waitFor('the blog to ask', async () => (await stateOf(blog, 'rakis-node')) === 'asking', 60_000);
    await button(blog, 'Start contributing').click();
    blogs.push(blog);
  }
  for (const blog of blogs) await waitFor('a contributing blog', async () => (await stateOf(blog, 'rakis-node')) === 'contributing', 180_000);
  nft = await contexts[2]!.newPage();
  await nft.goto(stack.pages.nft!);
  await waitFor('the prompt', async () => (await stateOf(nft, 'rakis-prompt')) === 'idle', 60_000);
  const workersHeard = () =>
    nft.evaluate(() => (document.querySelector('rakis-prompt') as HTMLElement & { node?: { peers: { role?: string }[] } }).node?.peers.filter((peer) => peer.role === 'worker').length ?? 0);
  await waitFor('the marketplace to hear the three contributors', async () => (await workersHeard()) >= 3, 90_000);

  const before = stack.api!.server.completions;
  const requestId = await askOnPage(nft, 'Why is the sky blue?', { maxTimeMs: WINDOW_MS, quorum: 3 });
  await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(nft, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000);
  expect(await stateOf(nft, 'rakis-prompt')).toBe('decided');
  expect(stack.api!.server.completions).toBeGreaterThan(before);

  const apiNode = (await synthientIdOf(apiPage))!;
  const blogNodes = await Promise.all(blogs.map((blog) => synthientIdOf(blog)));
  await waitFor('three attestations of one result', async () => {
    const seen = await nft.evaluate((id) => (document.querySelector('rakis-prompt') as NodeOnPage).node?.quorum(id)?.attestations[0]?.count ?? 0, requestId);
    return seen >= 3;
  }, 30_000);
  const seen = (await nft.evaluate((id) => (document.querySelector('rakis-prompt') as NodeOnPage).node!.quorum(id)!, requestId))!;
  const outputOf = (node: string | undefined) => seen.reveals.find((reveal) => reveal.from === node)?.output;
  expect(outputOf(apiNode), 'the API node revealed').toBeDefined();
  expect(outputOf(apiNode)).toBe(seen.decision!.output);
  for (const node of blogNodes) expect(outputOf(node)).toBe(seen.decision!.output);
  expect(seen.attestations[0]!.count).toBeGreaterThanOrEqual(3);
  await apiPage.screenshot({ path: `${ARTIFACTS}api-contributing.png`, fullPage: true });
}, 360_000);
