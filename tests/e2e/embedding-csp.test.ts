import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { askOnPage, stateOf } from '../../testkit/demo-drive.js';
import { CONTRIBUTOR_CSP, OBSERVER_CSP, startEmbedSites, TRUSTED_TYPES_CSP, watchPage, type EmbedSites } from '../../testkit/embed-site.js';
import { waitFor } from '../../testkit/wait-for.js';

// The README's two Content-Security-Policies, each on a site of its own: two contributor pages run the
// real engines with the test models under the contributor CSP, and an observer page under the observer
// CSP asks a question they decide over trystero on the local relays. Nothing may be refused.
const WINDOW_MS = 15_000;

let sites: EmbedSites;
let browser: Browser;
const contributors: Page[] = [];
let observer: Page;
const watched: { page: string; violations: string[]; errors: string[] }[] = [];

type NodeView = { synthientId: string; status: { transports: { transport: string; peers: number }[] }; quorum(id: string): { phase: string; commits: { from: string }[]; decision?: { output: string } } | undefined };
const nodeOf = (page: Page) => page.evaluate(() => (document.querySelector('rakis-node') as HTMLElement & { node?: NodeView }).node?.synthientId);

/** A page in a browser context of its own (no BroadcastChannel shortcut between them: only trystero). */
async function open(url: string, name: string): Promise<Page> {
  const page = await (await newContext(browser, { webrtc: true })).newPage();
  watched.push({ page: name, ...(await watchPage(page)) });
  const response = await page.goto(url);
  // The README's policy, then the report-uri the sites add.
  expect(response?.headers()['content-security-policy']?.startsWith(`${name === 'observer' ? OBSERVER_CSP : name === 'trusted types' ? TRUSTED_TYPES_CSP : CONTRIBUTOR_CSP};`)).toBe(true);
  return page;
}

beforeAll(async () => {
  [sites, browser] = await Promise.all([startEmbedSites(), launchChromium({ webrtc: true })]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sites?.close();
});

describe('embedding under a strict CSP', () => {
  test('contributor pages load the test models and run the engines', async () => {
    contributors.push(await open(sites.contributor, 'contributor 1'), await open(sites.contributor, 'contributor 2'));
    for (const page of contributors) {
      await waitFor('a contributing node', async () => (await stateOf(page, 'rakis-node')) === 'contributing', 120_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; what the pages reported: ${JSON.stringify(watched)}; CSP reports: ${JSON.stringify(sites.reports)}`);
      });
    }
    expect(watched).toEqual(watched.map(({ page }) => ({ page, violations: [], errors: [] })));
    expect(sites.reports).toEqual([]);
  }, 150_000);

  test('an observer page asks, both contributors commit, and the network decides', async () => {
    observer = await open(sites.observer, 'observer');
    await waitFor('the prompt', async () => (await stateOf(observer, 'rakis-prompt')) === 'idle', 30_000);
    // Both signalling strategies must work under the policy: each links the observer to the two contributors.
    const linked = () =>
      observer.evaluate(() => {
        const node = (document.querySelector('rakis-node') as HTMLElement & { node?: NodeView }).node;
        return Object.fromEntries(node?.status.transports.map((t) => [t.transport, t.peers]) ?? []);
      });
    await waitFor('torrent and mqtt links to both contributors', async () => {
      const peers = await linked();
      return peers.torrent === 2 && peers.mqtt === 2;
    }, 60_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; peers per transport: ${JSON.stringify(await linked())}`);
    });

    const requestId = await askOnPage(observer, 'Why is the sky blue?', { maxTimeMs: WINDOW_MS, quorum: 2 });
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(observer, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000);
    expect(await stateOf(observer, 'rakis-prompt')).toBe('decided');
    const seen = await observer.evaluate((id) => (document.querySelector('rakis-node') as HTMLElement & { node?: NodeView }).node?.quorum(id), requestId);
    const committers = new Set(seen?.commits.map((commit) => commit.from));
    for (const page of contributors) expect(committers.has((await nodeOf(page))!)).toBe(true);
    expect(seen?.decision?.output.length).toBeGreaterThan(0);
    expect(watched).toEqual(watched.map(({ page }) => ({ page, violations: [], errors: [] })));
    expect(sites.reports).toEqual([]);
  }, 150_000);

  test('JSON mode under the same policies: the contributors decode against the schema without eval, and the network decides a fitting answer', async () => {
    const schema = { type: 'object', properties: { colour: { type: 'string', enum: ['blue', 'red'] }, why: { type: 'string', maxLength: 20 } }, required: ['colour', 'why'] };
    // A short answer: contributors decline a request they estimate they cannot finish inside the window.
    await observer.evaluate((value) => {
      const prompt = document.querySelector('rakis-prompt') as HTMLElement & { responseSchema: unknown };
      prompt.setAttribute('max-tokens', '48');
      prompt.responseSchema = value;
    }, schema);
    const requestId = await askOnPage(observer, 'What colour is the sky?', { maxTimeMs: WINDOW_MS, quorum: 2 });
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(observer, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000);
    const seen = await observer.evaluate((id) => (document.querySelector('rakis-node') as HTMLElement & { node?: NodeView }).node?.quorum(id), requestId);
    expect(await stateOf(observer, 'rakis-prompt'), JSON.stringify(seen)).toBe('decided');
    const answer = JSON.parse(seen!.decision!.output) as Record<string, unknown>;
    expect(Object.keys(answer)).toEqual(['colour', 'why']);
    expect(schema.properties.colour.enum).toContain(answer.colour);
    expect(watched).toEqual(watched.map(({ page }) => ({ page, violations: [], errors: [] })));
    expect(sites.reports).toEqual([]);
  }, 150_000);

  test('a contributor page that enforces Trusted Types starts its engine worker through the rakis-worker policy and contributes', async () => {
    const page = await open(sites.trustedTypes, 'trusted types');
    await waitFor('a contributing node', async () => (await stateOf(page, 'rakis-node')) === 'contributing', 120_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; what the pages reported: ${JSON.stringify(watched)}; CSP reports: ${JSON.stringify(sites.reports)}`);
    });
    expect(await page.evaluate(() => (document.querySelector('rakis-node') as HTMLElement & { node?: { status: { models: string[] } } }).node?.status.models)).toEqual(['rakis-test/lm-mini']);
    expect(watched).toEqual(watched.map(({ page }) => ({ page, violations: [], errors: [] })));
    expect(sites.reports).toEqual([]);
    // The page does enforce them: a worker from a plain URL is refused.
    const refused = await page.evaluate(() => {
      try {
        new Worker('/rakis.js');
        return false;
      } catch {
        return true;
      }
    });
    expect(refused).toBe(true);
  }, 150_000);
});
