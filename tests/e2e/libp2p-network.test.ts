import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../../tools/demo-stack.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { agreeToContribute, askOnPage, NODE_PER_TAB_SCRIPT, stateOf } from '../../testkit/demo-drive.js';
import { waitFor } from '../../testkit/wait-for.js';

// Issue 17 in real browsers: ten demo pages in two Chromium processes on the libp2p transport alone
// (gossipsub over WebRTC, signalled through `npm start`'s libp2p relay node), each holding at most
// MAX_LINKS WebRTC connections: three contributors with the real test models, six dashboards that
// follow, and a marketplace page that asks. Every page must see the request and settle on the same
// result hash, while one page that carries links leaves mid-request.
const WINDOW_MS = 20_000;
const MAX_LINKS = 4;
const MESH_DEGREE = 3;
const CONTRIBUTORS = 3;
const DASHBOARDS = 6;

/**
 * Before a demo page's scripts run: its <rakis-node> (one is added before the marketplace's prompt,
 * which then uses it) joins only the libp2p transport of the page's own bundle, with the low bound;
 * and every RTCPeerConnection is counted while connected (window.rakisRtc: now and the peak), the
 * browser's own count of the links a page holds. A plain script string, like the other demo hooks.
 */
const libp2pHook = (relayUrl: string) => `
(() => {
  const Native = window.RTCPeerConnection;
  const connected = new Set();
  const counts = (window.rakisRtc = { open: 0, peak: 0 });
  const update = () => {
    counts.open = connected.size;
    counts.peak = Math.max(counts.peak, connected.size);
  };
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') connected.add(this);
        else connected.delete(this);
        update();
      });
    }
    // Closing a connection from this side fires no connectionstatechange.
    close() {
      connected.delete(this);
      update();
      return super.close();
    }
  };
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    let element = document.querySelector('rakis-node');
    if (!element) {
      const prompt = document.querySelector('rakis-prompt');
      element = document.createElement('rakis-node');
      element.setAttribute('network', prompt.getAttribute('network'));
      element.setAttribute('storage', 'none');
      prompt.before(element);
    }
    const network = element.getAttribute('network');
    const bundleUrl = new URL('../dist/rakis.js', location.href).href;
    element.nodeOptions = {
      transports: [{
        name: 'libp2p',
        open: async () => (await import(bundleUrl)).libp2pTransport({ network, relayUrls: [${JSON.stringify(relayUrl)}], maxPeers: ${MAX_LINKS}, meshDegree: ${MESH_DEGREE} }).open(),
      }],
    };
    document.documentElement.dataset.libp2pHook = 'set';
  });
})();
`;

interface NodeView {
  synthientId: string;
  peers: { synthientId: string; role?: string }[];
  status: { transports: { transport: string; peers: number; state: string }[] };
  quorum(id: string): { phase: string; decision?: { resultHash: string } } | undefined;
}

/** What a page's node says, in plain data, with the page's count of connected RTCPeerConnections. */
function view(page: Page, requestId = '') {
  return page.evaluate((id) => {
    const node = (document.querySelector('rakis-node') as (HTMLElement & { node?: NodeView }) | null)?.node;
    if (!node) return undefined;
    const quorum = id ? node.quorum(id) : undefined;
    return {
      synthientId: node.synthientId,
      peers: node.peers.length,
      workers: node.peers.filter((peer) => peer.role === 'worker').length,
      transports: node.status.transports.map(({ transport, peers, state }) => ({ transport, peers, state })),
      quorum: quorum && { phase: quorum.phase, resultHash: quorum.decision?.resultHash },
      rtc: (window as unknown as { rakisRtc: { open: number; peak: number } }).rakisRtc,
    };
  }, requestId);
}

let stack: DemoStack;
let hook: string;
const browsers: Browser[] = [];
const contexts: BrowserContext[] = [];
const pages: Record<string, Page> = {};

async function openPage(name: string, context: BrowserContext, url: string, nodePerTab = false): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript({ content: hook });
  if (nodePerTab) await page.addInitScript({ content: NODE_PER_TAB_SCRIPT });
  await page.goto(url);
  await waitFor(`${name}'s hook`, () => page.evaluate(() => document.documentElement.dataset.libp2pHook === 'set'), 30_000);
  pages[name] = page;
  return page;
}

/** On a timeout, prints what each page's node saw (for a failed CI run), then rethrows. */
function explainFailure(requestId = '') {
  return async (error: unknown): Promise<never> => {
    for (const [name, page] of Object.entries(pages)) {
      if (!page.isClosed()) console.error(`${name}: ${JSON.stringify(await view(page, requestId).catch((e) => String(e)))}`);
    }
    throw error;
  };
}

/** Every open page's count of connected RTCPeerConnections, now and at its peak, must stay within the bound. */
async function expectBoundHeld(): Promise<number[]> {
  const links: number[] = [];
  for (const [name, page] of Object.entries(pages)) {
    if (page.isClosed()) continue;
    const { rtc, transports } = (await view(page))!;
    expect(rtc.peak, `${name}'s most WebRTC connections at once`).toBeLessThanOrEqual(MAX_LINKS);
    expect(transports).toEqual([expect.objectContaining({ transport: 'libp2p' })]);
    links.push(rtc.open);
  }
  return links;
}

beforeAll(async () => {
  stack = await startDemoStack({ port: 0 });
  hook = libp2pHook(stack.relays.urls.libp2p!);
  for (let i = 0; i < 2; i++) {
    const browser = await launchChromium({ webrtc: true });
    browsers.push(browser);
    contexts.push(await newContext(browser, { webrtc: true }));
  }
  for (let i = 0; i < CONTRIBUTORS; i++) {
    // Blogs that share a context are still separate contributors (one node per site would make them one).
    const page = await openPage(`blog${i}`, contexts[i % 2]!, stack.pages.blog!, true);
    await agreeToContribute(page);
  }
  for (let i = 0; i < DASHBOARDS; i++) await openPage(`dashboard${i}`, contexts[(i + 1) % 2]!, stack.pages.dashboard!);
  await openPage('nft', contexts[0]!, stack.pages.nft!);
  for (let i = 0; i < CONTRIBUTORS; i++) await waitFor(`blog${i} contributing`, async () => (await stateOf(pages[`blog${i}`]!, 'rakis-node')) === 'contributing', 180_000);
  await waitFor('the prompt', async () => (await stateOf(pages.nft!, 'rakis-prompt')) === 'idle', 60_000);
  await waitFor(
    'every page to hear the nine others, and the marketplace the contributors as workers',
    async () => {
      const views = await Promise.all(Object.values(pages).map((page) => view(page)));
      return views.every((seen) => seen !== undefined && seen.peers >= 9) && (await view(pages.nft!))!.workers >= CONTRIBUTORS;
    },
    120_000,
    500,
  ).catch(explainFailure());
}, 600_000);

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await stack?.close();
});

describe('ten pages on the libp2p transport', () => {
  test('every page gets the request and settles on one result hash, with at most four links each, while a linked page leaves mid-request', async () => {
    const linksBefore = await expectBoundHeld();
    const nft = pages.nft!;
    const requestId = await askOnPage(nft, 'Why is the sky blue?', { maxTimeMs: WINDOW_MS, quorum: 2 });
    const askedAt = Date.now();

    // The page to leave: the dashboard holding the most links once it follows the request (it carries others' traffic).
    const leaving = await waitFor(
      'a dashboard to follow the request',
      async () => {
        const seen = await Promise.all(Object.keys(pages).filter((name) => name.startsWith('dashboard')).map(async (name) => ({ name, view: await view(pages[name]!, requestId) })));
        const following = seen.filter(({ view }) => view?.quorum !== undefined).sort((a, b) => b.view!.rtc.open - a.view!.rtc.open);
        return following[0];
      },
      WINDOW_MS,
      200,
    ).catch(explainFailure(requestId));
    const leavingLinks = leaving.view!.rtc.open;
    await pages[leaving.name]!.close();
    delete pages[leaving.name];
    const leftAfterMs = Date.now() - askedAt;
    expect((await view(nft, requestId))!.quorum?.phase, 'the page left before the request was decided').not.toBe('decided');

    const names = Object.keys(pages);
    const views = await waitFor(
      'every remaining page to settle',
      async () => {
        const all = await Promise.all(names.map((name) => view(pages[name]!, requestId)));
        return all.every((seen) => seen?.quorum?.phase === 'decided' || seen?.quorum?.phase === 'failed') && all;
      },
      WINDOW_MS + 90_000,
      500,
    ).catch(explainFailure(requestId));
    const settledMs = Date.now() - askedAt;
    for (const [i, seen] of views.entries()) expect(seen!.quorum, `${names[i]}'s quorum`).toMatchObject({ phase: 'decided' });
    const hashes = new Set(views.map((seen) => seen!.quorum!.resultHash));
    expect(hashes.size, 'one result hash on every page').toBe(1);
    expect([...hashes][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(names).toHaveLength(9);
    expect(leavingLinks, 'the page that left carried links').toBeGreaterThan(0);

    const linksAfter = await expectBoundHeld();
    const peaks = await Promise.all(names.map(async (name) => (await view(pages[name]!))!.rtc.peak));
    console.log(
      `libp2p, 10 pages (bound ${MAX_LINKS}, D=${MESH_DEGREE}): WebRTC links per page before the request ${linksBefore.join(' ')}, peak ${Math.max(...peaks)}, ` +
        `after ${linksAfter.join(' ')}; ${leaving.name} left holding ${leavingLinks} links ${(leftAfterMs / 1000).toFixed(1)} s after asking; every page decided ${(settledMs / 1000).toFixed(1)} s after asking`,
    );
  }, 300_000);
});
