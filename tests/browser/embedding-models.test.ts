import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { askOnPage, stateOf } from '../../testkit/demo-drive.js';
import { startEmbedSites, watchPage, type EmbedSites } from '../../testkit/embed-site.js';
import { waitFor } from '../../testkit/wait-for.js';

// A request whose frame names both test encoders, decided across Chromium pages over trystero on the
// local relays with the real engines: two contributors run both encoders (so they answer), a third
// runs encoder-mini only (it cannot answer such a frame, but verifies with the model it has), and an
// observer asks from <rakis-prompt> and shows the decision in <rakis-quorum>.
const WINDOW_MS = 15_000;
const MINI = 'rakis-test/encoder-mini';
const TINY = 'rakis-test/encoder-tiny';

let sites: EmbedSites;
let browser: Browser;
const watched: { page: string; violations: string[]; errors: string[] }[] = [];

type Snapshot = {
  phase: string;
  frame: { embeddingModel: string; extraEmbeddingModels?: { model: string }[] };
  commits: { from: string }[];
  reveals: { bEmbedding: string; status: string }[];
  decision?: { resultHash: string; basis: string; output: string; validInferenceIds: string[] };
};
type NodeView = { synthientId: string; quorum(id: string): Snapshot | undefined };
const nodeOf = (page: Page) => page.evaluate(() => (document.querySelector('rakis-node') as HTMLElement & { node?: NodeView }).node?.synthientId);
const snapshotOn = (page: Page, requestId: string) =>
  page.evaluate((id) => (document.querySelector('rakis-node') as HTMLElement & { node?: NodeView }).node?.quorum(id), requestId);

async function open(url: string, name: string): Promise<Page> {
  const page = await (await newContext(browser, { webrtc: true })).newPage();
  watched.push({ page: name, ...(await watchPage(page)) });
  await page.goto(url);
  return page;
}

beforeAll(async () => {
  [sites, browser] = await Promise.all([startEmbedSites(), launchChromium({ webrtc: true })]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sites?.close();
});

describe('a request naming two embedding models', () => {
  test('decides across pages: both-model contributors answer, a one-model verifier verifies with what it has', async () => {
    const origin = (url: string) => new URL(url).origin;
    const both = [
      await open(`${origin(sites.contributor)}/contributor-two-models.html`, 'both models 1'),
      await open(`${origin(sites.contributor)}/contributor-two-models.html`, 'both models 2'),
    ];
    const miniOnly = await open(sites.contributor, 'encoder-mini only');
    for (const page of [...both, miniOnly]) await waitFor('a contributing node', async () => (await stateOf(page, 'rakis-node')) === 'contributing', 120_000);
    const observer = await open(`${origin(sites.observer)}/observer-two-models.html`, 'observer');
    await waitFor('the prompt', async () => (await stateOf(observer, 'rakis-prompt')) === 'idle', 30_000);

    const requestId = await askOnPage(observer, 'Why is the sky blue?', { maxTimeMs: WINDOW_MS, quorum: 2 });
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(observer, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000);
    expect(await stateOf(observer, 'rakis-prompt')).toBe('decided');

    const seen = (await snapshotOn(observer, requestId))!;
    expect(seen.frame).toMatchObject({ embeddingModel: MINI, extraEmbeddingModels: [{ model: TINY }] });
    // Only the pages running both encoders answer; every reveal carries both embeddings (128 + 64 bits).
    const committers = new Set(seen.commits.map((commit) => commit.from));
    for (const page of both) expect(committers.has((await nodeOf(page))!)).toBe(true);
    expect(committers.has((await nodeOf(miniOnly))!)).toBe(false);
    expect(seen.reveals.length).toBeGreaterThanOrEqual(2);
    for (const reveal of seen.reveals) expect(reveal.bEmbedding).toHaveLength(2 * (128 + 64) / 8);

    // Every contributor ends on the observer's result; the one-model page decided it by verifying itself.
    for (const page of [...both, miniOnly]) {
      await waitFor('the same decision', async () => (await snapshotOn(page, requestId))?.decision?.resultHash === seen.decision!.resultHash, 30_000);
    }
    expect((await snapshotOn(miniOnly, requestId))!.decision!.basis).toBe('verified');
    // <rakis-quorum> shows how many answers each model alone puts near the centre.
    const quorumText = () => observer.locator('rakis-quorum').evaluate((element) => element.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '');
    await waitFor('the per-model line', async () => /Close to the centre in each model: rakis-test\/encoder-mini \(128 bits\) \d+ of \d+ · rakis-test\/encoder-tiny \(64 bits\) \d+ of \d+; in every model: \d+/.test(await quorumText()), 10_000).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; <rakis-quorum> reads: ${await quorumText()}`);
    });
    expect(watched).toEqual(watched.map(({ page }) => ({ page, violations: [], errors: [] })));
  }, 300_000);
});
