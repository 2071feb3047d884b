import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../../tools/demo-stack.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { agreeToContribute, stateOf } from '../../testkit/demo-drive.js';
import { childPids, treePss } from '../../testkit/process-memory.js';
import { waitFor } from '../../testkit/wait-for.js';

// One node per site (issue 14): the demo's blog page open in several tabs of one browser context (one
// origin) is one node to the network, loads the models once, and survives the closing of the tab that
// runs it. Real Chromium processes, the real relays, engines and test models, real IndexedDB.

let stack: DemoStack;
const browsers: Browser[] = [];

/** What a tab's <rakis-node> says of its node. */
interface TabNode {
  synthientId: string;
  leading: boolean | undefined;
  ledAt: number | undefined;
  peers: string[];
  results: string[];
}

function nodeOn(page: Page): Promise<TabNode | undefined> {
  return page.evaluate(() => {
    const node = (document.querySelector('rakis-node') as HTMLElement & {
      node?: { synthientId: string; leading?: boolean; ledSince?: number; peers: { synthientId: string }[]; results: readonly { requestId: string }[] };
    }).node;
    if (!node?.synthientId) return undefined;
    return {
      synthientId: node.synthientId,
      leading: node.leading,
      ledAt: node.ledSince === undefined ? undefined : performance.timeOrigin + node.ledSince,
      peers: node.peers.map((peer) => peer.synthientId),
      results: node.results.map((result) => result.requestId),
    };
  });
}

/** Sets attributes of the page's <rakis-node> before it builds its node. */
const attributesHook = (attributes: Record<string, string>) => `
document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  const node = document.querySelector('rakis-node');
  for (const [name, value] of Object.entries(${JSON.stringify(attributes)})) node.setAttribute(name, value);
});
`;

async function openBlog(context: BrowserContext, attributes?: Record<string, string>): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  if (attributes) await page.addInitScript({ content: attributesHook(attributes) });
  await page.goto(stack.pages.blog!);
  await waitFor('the node to start', async () => ['asking', 'contributing', 'running'].includes((await stateOf(page, 'rakis-node')) ?? ''), 60_000);
  return page;
}

const contributing = (pages: Page[]) =>
  waitFor('every tab contributing', async () => (await Promise.all(pages.map((page) => stateOf(page, 'rakis-node')))).every((state) => state === 'contributing'), 180_000);

/** A browser process of its own, and its pid (to read its memory). */
async function launch(): Promise<{ browser: Browser; pid: number }> {
  const before = childPids();
  const browser = await launchChromium({ webrtc: true });
  browsers.push(browser);
  const pid = [...childPids()].find((child) => !before.has(child));
  if (pid === undefined) throw new Error('could not find the browser process');
  return { browser, pid };
}

/**
 * What three tabs cost: nodes, engine workers (each loads and compiles one model into memory of its
 * own; the files themselves come from the browser's cache after the first tab, so a count of
 * downloads would not tell), the pages' JS heaps, and the browser's memory (PSS of its processes).
 */
interface Footprint {
  nodes: number;
  engineWorkers: number;
  jsHeapMiB: number;
  browserPssMiB: number;
}

/** Three tabs of the blog in a fresh browser, each storage choice as given, contributing; what they cost. */
async function threeTabs(attributes: Record<string, string>, agreeOnEvery: boolean): Promise<Footprint> {
  const { browser, pid } = await launch();
  const context = await newContext(browser, { webrtc: true });
  const pages: Page[] = [];
  for (let i = 0; i < 3; i++) pages.push(await openBlog(context, attributes));
  for (const page of agreeOnEvery ? pages : pages.slice(0, 1)) await agreeToContribute(page);
  await contributing(pages);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  let jsHeap = 0;
  for (const page of pages) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    jsHeap += metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
  }
  const ids = new Set((await Promise.all(pages.map(nodeOn))).map((node) => node?.synthientId));
  const footprint = {
    nodes: ids.size,
    engineWorkers: pages.reduce((sum, page) => sum + page.workers().length, 0),
    jsHeapMiB: Math.round((jsHeap / 2 ** 20) * 10) / 10,
    browserPssMiB: Math.round((treePss(pid) / 2 ** 20) * 10) / 10,
  };
  await browser.close();
  return footprint;
}

beforeAll(async () => {
  stack = await startDemoStack({ port: 0, relayPorts: { torrent: 8787, mqtt: 8788, nostr: 8789 } });
}, 120_000);

afterAll(async () => {
  for (const browser of browsers) await browser.close().catch(() => undefined);
  await stack?.close();
});

describe('one node per site, however many tabs', () => {
  test('three contributing tabs: a node and a model load per tab before (storage="tab"), one of each for the site now', async () => {
    // Each on a network of its own, so neither hears the other.
    const before = await threeTabs({ storage: 'tab', network: 'rakis-tabs-before' }, true);
    const after = await threeTabs({ network: 'rakis-tabs-after' }, false);
    console.info(`three tabs, before → after: ${JSON.stringify(before)} → ${JSON.stringify(after)}; browser memory ×${(after.browserPssMiB / before.browserPssMiB).toFixed(2)}, JS heap ×${(after.jsHeapMiB / before.jsHeapMiB).toFixed(2)}`);
    expect(before.nodes).toBe(3);
    expect(after.nodes).toBe(1);
    expect(before.engineWorkers).toBeGreaterThan(0);
    expect(after.engineWorkers * 3).toBe(before.engineWorkers);
  }, 600_000);

  test('three tabs are one node to peers in another browser process; closing the tab that runs it mid-request still delivers the result; a later tab joins', async () => {
    const site = await newContext((await launch()).browser, { webrtc: true });
    const others = (await launch()).browser;
    const tabs: Page[] = [];
    for (let i = 0; i < 3; i++) tabs.push(await openBlog(site));
    const peers = [await openBlog(await newContext(others, { webrtc: true })), await openBlog(await newContext(others, { webrtc: true }))];
    await agreeToContribute(tabs[1]!);
    for (const page of peers) await agreeToContribute(page);
    await contributing([...tabs, ...peers]);

    const nodes = await Promise.all(tabs.map(nodeOn));
    const siteId = nodes[0]!.synthientId;
    expect(nodes.map((node) => node!.synthientId)).toEqual([siteId, siteId, siteId]);
    expect(nodes.filter((node) => node!.leading)).toHaveLength(1);
    const peerIds = (await Promise.all(peers.map(nodeOn))).map((node) => node!.synthientId);
    // Each peer hears the other peer and the site: one node, whatever the number of its tabs.
    for (const [i, page] of peers.entries()) {
      const heard = await waitFor('the site heard', async () => {
        const node = await nodeOn(page);
        return node?.peers.includes(siteId) ? node.peers : undefined;
      }, 60_000);
      expect(new Set(heard.filter((id) => id !== peerIds[1 - i]))).toEqual(new Set([siteId]));
    }

    const leader = tabs[nodes.findIndex((node) => node!.leading)]!;
    const [asking, other] = tabs.filter((page) => page !== leader) as [Page, Page];
    // A follower tab asks through its element's node; the tab that runs the node closes right after.
    const requestId = await asking.evaluate(`(async () => {
      const { securityFrame } = await import('/dist/rakis.js');
      const node = document.querySelector('rakis-node').node;
      const handle = node.request('Why is the sky blue?', securityFrame('balanced', { quorum: 2, maxTimeMs: 20000 }, 'rakis-test/encoder-mini'), { acceptedModels: ['rakis-test/lm-mini'], maxTokens: 32 });
      handle.result.then((result) => (window.siteResult = result));
      return handle.requestId;
    })()`);
    const closedAt = Date.now();
    await leader.close();
    const next = await waitFor('another tab to lead', async () => (await Promise.all([asking, other].map(nodeOn))).find((node) => node?.leading), 10_000, 20);
    const takeoverMs = next.ledAt! - closedAt;
    console.info(`takeover: the next tab led ${Math.round(takeoverMs)} ms after the leader tab closed`);
    expect(next.synthientId).toBe(siteId);
    expect(takeoverMs).toBeLessThan(2_000);

    const result = await waitFor('the result in the asking tab', () => asking.evaluate(() => (window as unknown as { siteResult?: { requestId: string; outcome: string; output?: string } }).siteResult), 90_000);
    expect(result).toMatchObject({ requestId, outcome: 'decided' });
    expect(result.output?.length ?? 0).toBeGreaterThan(0);
    await waitFor('the result in the other tab', async () => (await nodeOn(other))?.results.includes(requestId as string), 10_000);

    // The new leader contributes as the site did, and only it runs engines.
    const [newLeader, follower] = (await nodeOn(asking))!.leading ? [asking, other] : [other, asking];
    await waitFor('the engines in the new leader tab', async () => newLeader.workers().length > 0, 60_000);
    expect(follower.workers()).toHaveLength(0);

    const later = await openBlog(site);
    await contributing([later]);
    const joined = (await nodeOn(later))!;
    expect(joined.synthientId).toBe(siteId);
    expect(joined.leading).toBe(false);
    expect(later.workers()).toHaveLength(0);
    for (const [i, page] of peers.entries()) {
      expect(new Set((await nodeOn(page))!.peers.filter((id) => id !== peerIds[1 - i]))).toEqual(new Set([siteId]));
    }
  }, 600_000);
});
