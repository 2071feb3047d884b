import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page as ChromiumPage } from 'playwright-core';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { bytesToHex, encodePacket, signedBytes, type BodyOf } from '../../src/protocol/index.js';
import { startDemoStack, type DemoStack } from '../../tools/demo-stack.js';
import { byzantinePacket, SPLIT_KEY } from '../../testkit/byzantine-ed25519.js';
import { launchFirefox, type Firefox } from '../../testkit/firefox.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { askOnPage } from '../../testkit/demo-drive.js';
import { waitFor } from '../../testkit/wait-for.js';

// One network of two engines: the demo stack (local tracker and MQTT relays, pages, bundle, test
// models), two Chromium blog pages and one Firefox blog page contributing, a Chromium marketplace page
// asking and a Chromium dashboard. Every page settles on the same result hash; then a packet signed
// under a CCTV key that Chromium's WebCrypto accepts and Firefox's rejects is dropped as a bad
// signature by every page, whichever its browser.
const WINDOW_MS = 20_000;

type AnyPage = ChromiumPage | FirefoxPage;

/** `page.evaluate(fn, arg)` for a Playwright or a puppeteer page (same call, different typings). */
function inPage<A, R>(page: AnyPage, fn: (arg: A) => R, arg: A): Promise<Awaited<R>> {
  return (page as unknown as { evaluate(f: (arg: A) => R, a: A): Promise<Awaited<R>> }).evaluate(fn, arg);
}

interface NodeView {
  synthientId: string;
  peers: { synthientId: string; role?: string }[];
  status: { packets: { drops: Record<string, number> } };
  quorum(id: string): { phase: string; decision?: { resultHash: string }; commits: { from: string }[]; reveals: { from: string; status: string }[] } | undefined;
}

/** What the page's node says, in plain data (the node of its <rakis-node>, else of its <rakis-prompt>). */
function nodeView(page: AnyPage, requestId = '') {
  return inPage(
    page,
    (id) => {
      const node = (document.querySelector('rakis-node, rakis-prompt') as (HTMLElement & { node?: NodeView }) | null)?.node;
      if (!node) return undefined;
      const quorum = id ? node.quorum(id) : undefined;
      return {
        synthientId: node.synthientId,
        peers: node.peers.map((peer) => ({ synthientId: peer.synthientId, role: peer.role })),
        badSignatures: node.status.packets.drops['bad-signature'] ?? 0,
        quorum: quorum && {
          phase: quorum.phase,
          resultHash: quorum.decision?.resultHash,
          committers: quorum.commits.map((commit) => commit.from),
          verifiedReveals: quorum.reveals.filter((reveal) => reveal.status === 'verified').map((reveal) => reveal.from),
        },
      };
    },
    requestId,
  );
}

const stateOf = (page: AnyPage, selector: string) => inPage(page, (s) => document.querySelector(s)?.getAttribute('state') ?? null, selector);

/** Says yes in the blog's consent box, from inside its shadow root (works in both drivers). */
async function startContributing(page: AnyPage): Promise<void> {
  await waitFor('the node to ask', async () => ['asking', 'contributing'].includes((await stateOf(page, 'rakis-node')) ?? ''), 60_000);
  await inPage(
    page,
    (label) => {
      const button = [...(document.querySelector('rakis-node')!.shadowRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === label);
      button?.click();
    },
    'Start contributing',
  );
}

/** Raw WebCrypto Ed25519 in the page, no rule: what a node without the rule would accept. */
function nativeVerdict(page: AnyPage, check: { key: string; sig: string; msg: string }) {
  return inPage(
    page,
    async ({ key, sig, msg }) => {
      const bytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((byte) => parseInt(byte, 16)));
      try {
        const imported = await crypto.subtle.importKey('raw', bytes(key), { name: 'Ed25519' }, false, ['verify']);
        return await crypto.subtle.verify({ name: 'Ed25519' }, imported, bytes(sig), bytes(msg));
      } catch {
        return false;
      }
    },
    check,
  );
}

let stack: DemoStack;
let chromium: Browser;
let context: BrowserContext;
let firefox: Firefox;
const blogs: { name: string; page: AnyPage }[] = [];
let nft: ChromiumPage;
let dashboard: ChromiumPage;

beforeAll(async () => {
  stack = await startDemoStack({ port: 0, relayPorts: { torrent: 8787, mqtt: 8788, nostr: 8789 } });
  [chromium, firefox] = await Promise.all([launchChromium({ webrtc: true }), launchFirefox({ webrtc: true })]);
  context = await newContext(chromium, { webrtc: true });
  for (const name of ['chromium-1', 'chromium-2']) {
    // A browser context each: the tabs of one site in one context are one node (issue 14).
    const page = await (await newContext(chromium, { webrtc: true })).newPage();
    await page.goto(stack.pages.blog!);
    blogs.push({ name, page });
  }
  const page = await firefox.newPage();
  await page.goto(stack.pages.blog!);
  blogs.push({ name: 'firefox', page });
  for (const blog of blogs) await startContributing(blog.page);
  for (const blog of blogs) await waitFor(`${blog.name} contributing`, async () => (await stateOf(blog.page, 'rakis-node')) === 'contributing', 180_000);
  dashboard = await context.newPage();
  await dashboard.goto(stack.pages.dashboard!);
  nft = await context.newPage();
  await nft.goto(stack.pages.nft!);
  await waitFor('the prompt', async () => (await stateOf(nft, 'rakis-prompt')) === 'idle', 60_000);
  await waitFor('the dashboard node', async () => (await stateOf(dashboard, 'rakis-node')) === 'running', 60_000);
  // Links with Firefox may take one tracker announce (10 s) when both peers' offers cross.
  await waitFor('the marketplace to hear the three contributors', async () => (await nodeView(nft))!.peers.filter((peer) => peer.role === 'worker').length >= 3, 90_000);
}, 600_000);

afterAll(async () => {
  await chromium?.close();
  await firefox?.close();
  await stack?.close();
});

describe('a mixed Chromium and Firefox network', () => {
  test('a Firefox page contributes to a request, and every page settles on the same result hash', async () => {
    const requestId = await askOnPage(nft, 'Why is the sky blue?', { maxTimeMs: WINDOW_MS, quorum: 3 });
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(nft, 'rakis-prompt')) ?? ''), WINDOW_MS + 90_000);
    expect(await stateOf(nft, 'rakis-prompt')).toBe('decided');

    const pages: { name: string; page: AnyPage }[] = [...blogs, { name: 'nft', page: nft }, { name: 'dashboard', page: dashboard }];
    const views = await waitFor(
      'every page to decide',
      async () => {
        const all = await Promise.all(pages.map(({ page }) => nodeView(page, requestId)));
        return all.every((view) => view?.quorum?.phase === 'decided') && all;
      },
      90_000,
      500,
    ).catch(async (error) => {
      for (const { name, page } of pages) console.error(name, JSON.stringify(await nodeView(page, requestId)));
      throw error;
    });
    const hashes = new Set(views.map((view) => view!.quorum!.resultHash));
    expect(hashes.size).toBe(1);
    expect([...hashes][0]).toMatch(/^[0-9a-f]{64}$/);
    const firefoxId = views[2]!.synthientId;
    const onNft = views[3]!.quorum!;
    expect(onNft.committers, 'the Firefox page committed').toContain(firefoxId);
    // The marketplace cannot embed (it follows attestations); the Chromium contributors re-embed reveals.
    for (const view of views.slice(0, 2)) expect(view!.quorum!.verifiedReveals, 'its reveal verified on a Chromium page').toContain(firefoxId);
  }, 300_000);

  test('a packet under a key Chromium accepts and Firefox rejects is dropped as bad-signature by every page', async () => {
    const body: BodyOf<'hello'> = { type: 'hello', role: 'worker', models: ['rakis-test/lm-mini'], embeddingModels: [], tokensServed: 0, client: 'byzantine' };
    const packet = byzantinePacket(body, Date.now());
    // Without the rule the network would split: native WebCrypto of the two engines disagrees.
    const check = { key: SPLIT_KEY, sig: packet.sig, msg: bytesToHex(signedBytes(packet)) };
    expect(await nativeVerdict(nft, check), 'Chromium WebCrypto alone').toBe(true);
    expect(await nativeVerdict(blogs[2]!.page, check), 'Firefox WebCrypto alone').toBe(false);

    // The dashboard (Chromium) injects it: it must be linked to every other page first.
    const receivers: { name: string; page: AnyPage }[] = [...blogs, { name: 'nft', page: nft }];
    const ids = await Promise.all(receivers.map(async ({ page }) => (await nodeView(page))!.synthientId));
    await waitFor('the dashboard to be linked to every page', async () => {
      const peers = new Set((await nodeView(dashboard))!.peers.map((peer) => peer.synthientId));
      return ids.every((id) => peers.has(id));
    }, 60_000, 250);
    const before = await Promise.all(receivers.map(async ({ page }) => (await nodeView(page))!.badSignatures));
    const wire = [...encodePacket(packet)];
    // The demo page runs the real bundle, with no harness: the test reaches the mesh's raw send (protected in TypeScript) at run time.
    await dashboard.evaluate((bytes) => {
      const node = (document.querySelector('rakis-node') as unknown as { node: { mesh: { sendRaw(bytes: Uint8Array): void } } }).node;
      node.mesh.sendRaw(new Uint8Array(bytes));
    }, wire);
    await waitFor(
      'every page to drop it',
      async () => {
        const now = await Promise.all(receivers.map(async ({ page }) => (await nodeView(page))!.badSignatures));
        return now.every((count, i) => count > before[i]!) && now;
      },
      30_000,
      250,
    ).catch(async (error) => {
      for (const { name, page } of receivers) console.error(name, JSON.stringify(await nodeView(page)));
      throw error;
    });
    for (const { name, page } of receivers) {
      const peers = (await nodeView(page))!.peers.map((peer) => peer.synthientId);
      expect(peers, `${name} does not list the byzantine identity`).not.toContain(SPLIT_KEY);
    }
  }, 120_000);
});
