import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startDemoStack, type DemoStack } from '../../tools/demo-stack.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { askOnPage, stateOf } from '../../testkit/demo-drive.js';
import { waitFor } from '../../testkit/wait-for.js';

// The whole product on one machine with no internet: `npm start`'s stack (local tracker and MQTT
// relays, pages, bundle and model files), blog pages in two Chromium processes contributing with the
// real test models through the real engines, a marketplace page asking, a dashboard watching.
const ARTIFACTS = new URL('../../test-results/e2e/', import.meta.url).pathname;
const WINDOW_MS = 20_000;

let stack: DemoStack;
const browsers: Browser[] = [];
const contexts: BrowserContext[] = [];
const blogs: Page[] = [];
let nft: Page;
let dashboard: Page;

const synthientIdOf = (page: Page) =>
  page.evaluate(() => (document.querySelector('rakis-node') as HTMLElement & { node?: { synthientId: string } }).node?.synthientId);

/**
 * The test hook for a dishonest contributor: before the page's scripts run, its <rakis-node> is given
 * an engine loader that brings up the real engines and then replaces the LLM's answers with garbage
 * (embedded honestly, so the garbage is committed and revealed consistently). A plain script string:
 * the test runner would rewrite a dynamic import inside a function passed to the page.
 */
const GARBAGE_HOOK = `
document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  document.querySelector('rakis-node').nodeOptions = {
    engineLoader: async (options) => {
      const { realEngineLoader } = await import('/dist/rakis.js');
      const engines = await realEngineLoader()(options);
      return {
        embedders: engines.embedders,
        generators: engines.generators.map((generator) => ({
          model: generator.model,
          healthy: () => true,
          generate: async (prompt, params) => {
            const real = await generator.generate(prompt, params);
            return { text: 'zq ' + Math.random().toString(36) + ' ' + 'xk '.repeat(12), tokens: real.tokens };
          },
        })),
      };
    },
  };
  document.documentElement.dataset.garbageHook = 'set';
});
`;

async function openBlog(context: BrowserContext, { garbage = false } = {}): Promise<Page> {
  const page = await context.newPage();
  if (garbage) await page.addInitScript({ content: GARBAGE_HOOK });
  await page.goto(stack.pages.blog!);
  if (garbage) await waitFor('the garbage hook', () => page.evaluate(() => document.documentElement.dataset.garbageHook === 'set'), 30_000);
  await startContributing(page);
  return page;
}

async function startContributing(page: Page): Promise<void> {
  await waitFor('the node to ask', async () => ['asking', 'contributing'].includes((await stateOf(page, 'rakis-node')) ?? ''), 60_000);
  if ((await stateOf(page, 'rakis-node')) === 'asking') {
    await page.locator('rakis-node').getByRole('button', { name: 'Start contributing' }).click();
  }
}

/** Asks on the marketplace page; resolves with the requestId once it is sent. */
function ask(question: string): Promise<string> {
  return askOnPage(nft, question, { maxTimeMs: WINDOW_MS });
}

async function decisionOn(page: Page, requestId: string) {
  return page.evaluate((id) => {
    const node = (document.querySelector('rakis-node, rakis-prompt') as HTMLElement & { node?: { quorum(id: string): { phase: string; decision?: { resultHash: string; output: string }; attestations: { resultHash: string; count: number }[] } | undefined } }).node;
    const snapshot = node?.quorum(id);
    return snapshot && { phase: snapshot.phase, resultHash: snapshot.decision?.resultHash, output: snapshot.decision?.output, attestations: snapshot.attestations };
  }, requestId);
}

/** On a timeout, prints what each page's node saw of the request (for a failed CI run), then rethrows. */
function explainFailure(requestId: string, pages: Record<string, Page>) {
  return async (error: unknown): Promise<never> => {
    for (const [name, page] of Object.entries(pages)) {
      const seen = await page.evaluate((id) => {
        type Seen = { synthientId: string; peers: unknown[]; status: { packets: unknown; transports: unknown }; quorum(id: string): unknown };
        const node = (document.querySelector('rakis-node, rakis-prompt') as HTMLElement & { node?: Seen }).node;
        return node && JSON.stringify({ node: node.synthientId.slice(0, 8), peers: node.peers.length, quorum: node.quorum(id), packets: node.status.packets, transports: node.status.transports });
      }, requestId);
      console.error(`${name}: ${seen}`);
    }
    throw error;
  };
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  stack = await startDemoStack({ port: 0, relayPorts: { torrent: 8787, mqtt: 8788, nostr: 8789 } });
  for (let i = 0; i < 2; i++) {
    const browser = await launchChromium({ webrtc: true });
    browsers.push(browser);
    contexts.push(await newContext(browser, { webrtc: true }));
  }
  // Three honest contributors and one that answers garbage, spread over the two browser processes.
  // Each blog in a browser context of its own: the tabs of one site in one context are one node (issue 14).
  const blogContext = (i: number) => newContext(browsers[i]!, { webrtc: true });
  blogs.push(await openBlog(await blogContext(0)), await openBlog(await blogContext(1)), await openBlog(await blogContext(0)), await openBlog(await blogContext(1), { garbage: true }));
  for (const page of blogs) await waitFor('a contributing node', async () => (await stateOf(page, 'rakis-node')) === 'contributing', 180_000);
  dashboard = await contexts[1]!.newPage();
  await dashboard.goto(stack.pages.dashboard!);
  nft = await contexts[0]!.newPage();
  await nft.goto(stack.pages.nft!);
  await waitFor('the prompt', async () => (await stateOf(nft, 'rakis-prompt')) === 'idle', 60_000);
  // The asking node must hear the four contributors before a request can reach a quorum.
  const contributorsHeard = () =>
    nft.evaluate(() => (document.querySelector('rakis-prompt') as HTMLElement & { node?: { peers: { role?: string }[] } }).node?.peers.filter((peer) => peer.role === 'worker').length ?? 0);
  await waitFor('the marketplace to hear the contributors', async () => (await contributorsHeard()) >= 4, 90_000);
  await waitFor('the dashboard node', async () => (await stateOf(dashboard, 'rakis-node')) === 'running', 60_000);
}, 600_000);

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await stack?.close();
});

describe('the demo network end to end', () => {
  let firstRequest = '';

  test('a question from the marketplace is decided by the contributors; the dashboard shows it with its attestations and the garbage page as an outlier', async () => {
    firstRequest = await ask('Why is the sky blue?');
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(nft, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000);
    expect(await stateOf(nft, 'rakis-prompt')).toBe('decided');
    const answer = await nft.evaluate(() => document.querySelector('rakis-prompt')!.shadowRoot!.querySelector('[part~=answer]')?.textContent ?? '');
    expect(answer.trim().length).toBeGreaterThan(0);
    expect(answer).not.toMatch(/xk xk/);

    await waitFor('the dashboard decision', async () => (await stateOf(dashboard, 'rakis-quorum')) === 'decided', 60_000).catch(explainFailure(firstRequest, { dashboard, nft, blog1: blogs[0]!, garbage: blogs[3]! }));
    const seen = await decisionOn(dashboard, firstRequest);
    await waitFor('three attestations of one result', async () => ((await decisionOn(dashboard, firstRequest))?.attestations[0]?.count ?? 0) >= 3, 30_000);
    const attested = (await decisionOn(dashboard, firstRequest))!;
    expect(attested.attestations[0]!.resultHash).toBe(seen!.resultHash);
    expect(attested.output).not.toMatch(/xk xk/);

    // The figure is a chunk of its own, loaded when the first reveals are shown.
    await waitFor('the figure', () => dashboard.evaluate(() => !!document.querySelector('rakis-quorum')!.shadowRoot!.querySelector('svg .point')), 10_000);
    const picture = await dashboard.evaluate(() => {
      const svg = document.querySelector('rakis-quorum')!.shadowRoot!.querySelector('svg');
      return {
        members: svg?.querySelectorAll('.point.member').length ?? 0,
        outliers: svg?.querySelectorAll('.outlier').length ?? 0,
        chosen: svg?.querySelectorAll('.chosen').length ?? 0,
        sphere: svg?.querySelectorAll('.sphere').length ?? 0,
      };
    });
    const garbageRevealed = await blogs[3]!.evaluate((id) => {
      const node = (document.querySelector('rakis-node') as HTMLElement & { node?: { synthientId: string; quorum(id: string): { reveals: { from: string; output: string }[] } | undefined } }).node;
      return node?.quorum(id)?.reveals.find((reveal) => reveal.from === node.synthientId)?.output;
    }, firstRequest);
    expect(garbageRevealed, 'the garbage page revealed its garbage').toMatch(/xk xk/);
    expect(picture.members).toBeGreaterThanOrEqual(3);
    expect(picture.outliers).toBeGreaterThanOrEqual(1);
    expect(picture.chosen).toBe(1);
    expect(picture.sphere).toBe(1);

    await nft.screenshot({ path: `${ARTIFACTS}nft.png`, fullPage: true });
    await dashboard.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true });
    for (const [i, page] of blogs.entries()) await page.screenshot({ path: `${ARTIFACTS}blog-${i + 1}.png`, fullPage: true });
  }, 240_000);

  test('the prompt warns before asking when a preset needs more answers than there are contributors', async () => {
    const reach = (part: string) => nft.evaluate((name) => document.querySelector('rakis-prompt')!.shadowRoot!.querySelector(`[part~=${name}]`)?.textContent?.replace(/\s+/g, ' ').trim(), part);
    await nft.evaluate(() => ((document.querySelector('rakis-prompt') as HTMLElement & { frame: unknown }).frame = undefined));
    expect(await reach('reach')).toBe('4 contributors known to serve these models.');
    expect(await reach('reach-warning')).toBeUndefined();
    await nft.locator('rakis-prompt select').first().selectOption('strict');
    await waitFor('the warning', async () => (await reach('reach-warning')) !== undefined, 5_000);
    expect(await reach('reach-warning')).toContain('This frame needs 5 answers but only 4 contributors can give one');
    await nft.locator('rakis-prompt select').first().selectOption('balanced');
    await waitFor('the warning gone', async () => (await reach('reach-warning')) === undefined, 5_000);
  });

  test('with every known contributor answered, the window ends early: `fast` (20 s) and `balanced` (30 s) answer in seconds', async () => {
    for (const preset of ['fast', 'balanced']) {
      await nft.evaluate((name) => document.querySelector('rakis-prompt')!.setAttribute('preset', name), preset);
      const started = Date.now();
      const requestId = await askOnPage(nft, `Why is grass green? (${preset})`, {});
      if (preset === 'balanced') await nft.screenshot({ path: `${ARTIFACTS}nft-waiting.png`, fullPage: true });
      await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(nft, 'rakis-prompt')) ?? ''), 90_000);
      const answeredAt = Date.now();
      expect(await stateOf(nft, 'rakis-prompt')).toBe('decided');
      const { commitDeadline, listed, maxTimeMs } = await nft.evaluate((id) => {
        const node = (document.querySelector('rakis-prompt') as HTMLElement & { node?: { quorum(id: string): { schedule: { commitDeadline: number }; list?: { inferenceIds: string[] }; frame: { maxTimeMs: number } } | undefined } }).node;
        const snapshot = node!.quorum(id)!;
        return { commitDeadline: snapshot.schedule.commitDeadline, listed: snapshot.list?.inferenceIds.length ?? 0, maxTimeMs: snapshot.frame.maxTimeMs };
      }, requestId);
      // Behaviour, not speed: the answer came before the commit window would have closed, with all four contributors listed.
      expect(answeredAt).toBeLessThan(commitDeadline);
      expect(listed).toBe(4);
      console.info(`${preset}: answered in ${((answeredAt - started) / 1000).toFixed(1)} s of a ${maxTimeMs / 1000} s window`);
    }
    await nft.evaluate(() => document.querySelector('rakis-prompt')!.setAttribute('preset', 'balanced'));
  }, 180_000);

  test('a contributing page reloaded mid-request comes back with its identity and the result', async () => {
    const page = blogs[0]!;
    const before = await synthientIdOf(page);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    const requestId = await ask('Why do leaves change colour?');
    // Reload once this page has committed, before the reveal phase.
    await waitFor('the page to commit', async () => {
      const mine = await page.evaluate((id) => {
        const node = (document.querySelector('rakis-node') as HTMLElement & { node?: { synthientId: string; quorum(id: string): { commits: { from: string }[] } | undefined } }).node;
        return node?.quorum(id)?.commits.some((commit) => commit.from === node.synthientId) ?? false;
      }, requestId);
      return mine;
    }, WINDOW_MS);
    await page.reload();
    await waitFor('the node back', async () => (await synthientIdOf(page)) !== undefined, 60_000);
    expect(await synthientIdOf(page)).toBe(before);
    await waitFor('the reloaded page to know the result', async () => (await decisionOn(page, requestId))?.phase === 'decided', WINDOW_MS + 90_000).catch(explainFailure(requestId, { reloaded: page, nft, blog2: blogs[1]! }));
    await waitFor('the marketplace answer', async () => (await stateOf(nft, 'rakis-prompt')) === 'decided', 60_000);
    const onPage = await decisionOn(page, requestId);
    const onNft = await decisionOn(nft, requestId);
    expect(onPage!.resultHash).toBe(onNft!.resultHash);
    await page.screenshot({ path: `${ARTIFACTS}blog-1-reloaded.png`, fullPage: true });
  }, 300_000);

  test('a JSON-mode question: contributors answer JSON that fits the schema, the answer shows as a table of fields, the garbage page is set aside as invalid', async () => {
    const schema = {
      type: 'object',
      properties: { tile: { type: 'string', enum: ['Ember', 'Tide', 'Moss'] }, reason: { type: 'string', maxLength: 24 }, warm: { type: 'boolean' } },
      required: ['tile', 'reason', 'warm'],
    };
    // As a visitor would: the schema typed into the advanced panel.
    await nft.locator('rakis-prompt summary').click();
    await nft.locator('rakis-prompt textarea[part="schema"]').fill(JSON.stringify(schema));
    const requestId = await ask('Which tile has the warmest colours?');
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(nft, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000).catch(
      explainFailure(requestId, { nft, blog1: blogs[1]!, garbage: blogs[3]! }),
    );
    expect(await stateOf(nft, 'rakis-prompt')).toBe('decided');
    const decided = (await decisionOn(nft, requestId))!;
    const answer = JSON.parse(decided.output!) as Record<string, unknown>;
    // Properties in canonical key order: every node decodes them so, whatever order the schema was typed in.
    expect(Object.keys(answer)).toEqual(['reason', 'tile', 'warm']);
    expect(schema.properties.tile.enum).toContain(answer.tile);
    expect(typeof answer.warm).toBe('boolean');
    const rows = await nft.evaluate(() =>
      [...document.querySelector('rakis-prompt')!.shadowRoot!.querySelectorAll('table[part~=answer] tbody tr')].map((row) => [row.querySelector('th')!.textContent!.trim(), row.querySelector('td')!.textContent]),
    );
    expect(rows).toEqual([['reason', answer.reason], ['tile', answer.tile], ['warm', String(answer.warm)]]);

    // A contributor that verified: the garbage answer set aside with its reason, and how each field agreed.
    await waitFor('a contributor to decide', async () => (await decisionOn(blogs[1]!, requestId))?.phase === 'decided', 60_000);
    const json = await blogs[1]!.evaluate((id) => {
      type Json = { invalid: { inferenceId: string; reason: string }[]; fields: { path: string; match: string; identical: boolean }[] };
      const node = (document.querySelector('rakis-node') as HTMLElement & { node?: { quorum(id: string): { decision?: { json?: Json } } | undefined } }).node;
      return node?.quorum(id)?.decision?.json;
    }, requestId);
    expect(json?.invalid.map((item) => item.reason)).toEqual(['the answer is not JSON']);
    expect(json?.fields).toEqual([
      { path: '$.reason', match: 'free', identical: expect.any(Boolean) },
      { path: '$.tile', match: 'exact', identical: true },
      { path: '$.warm', match: 'exact', identical: true },
    ]);
    await nft.screenshot({ path: `${ARTIFACTS}nft-json.png`, fullPage: true });
    await nft.locator('rakis-prompt textarea[part="schema"]').fill('');
  }, 240_000);

  test('a relay stopped mid-request: the request still completes over the remaining transports', async () => {
    const requestId = await ask('What makes sunsets red?');
    await stack.relays.stop('torrent');
    await waitFor('the decided answer', async () => ['decided', 'failed'].includes((await stateOf(nft, 'rakis-prompt')) ?? ''), WINDOW_MS + 60_000);
    expect(await stateOf(nft, 'rakis-prompt')).toBe('decided');
    expect((await decisionOn(nft, requestId))?.phase).toBe('decided');
  }, 240_000);
});
