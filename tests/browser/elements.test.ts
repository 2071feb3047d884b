import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StoryEntry } from './elements/stories-page-api.js';
import { listStories, showStory } from './support/stories.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { buildAndServeFixture } from '../../testkit/fixture-server.js';
import { waitFor } from '../../testkit/wait-for.js';
import { collectErrors, seriousViolations } from './support/page-checks.js';
import { serveStatic, type StaticServer } from '../../testkit/static-server.js';

// Every Storybook story rendered in Chromium (on its scripted in-memory network): it reaches its
// state without console errors, and axe-core finds no serious accessibility violation in it, in
// light and dark colour schemes. Then the script-tag bundle under a strict CSP.
const FIXTURES = fileURLToPath(new URL('./elements/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

let browser: Browser;
let context: BrowserContext;
let fixture: StaticServer;
let stories: StoryEntry[] = [];

beforeAll(async () => {
  [browser, fixture] = await Promise.all([launchChromium(), buildAndServeFixture(FIXTURES, ['stories-page.html'])]);
  context = await newContext(browser);
  const page = await context.newPage();
  stories = await listStories(page, fixture.origin);
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});


/** The visible text of an element's shadow root (what a visitor reads). */
function shadowText(page: Page, selector: string): Promise<string> {
  return page.evaluate((s) => (document.querySelector(s)?.shadowRoot as unknown as HTMLElement | undefined)?.textContent?.replace(/\s+/g, ' ') ?? '', selector);
}

describe('stories', () => {
  test('there is a story for every state of every element', () => {
    const states = (element: string) => new Set(stories.filter((story) => story.element === element).map((story) => story.state));
    expect(states('rakis-node')).toEqual(new Set(['running', 'asking', 'loading', 'contributing', 'error']));
    expect(states('rakis-prompt')).toEqual(new Set(['idle', 'in-flight', 'decided', 'failed', 'error']));
    expect(states('rakis-quorum')).toEqual(new Set(['idle', 'in-flight', 'decided', 'failed', 'error']));
  });

  test('each story renders its state without console errors and without serious axe violations (light and dark)', async () => {
    const failures: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      const errors = collectErrors(page);
      for (const story of stories) {
        errors.length = 0;
        try {
          await showStory(page, fixture.origin, story);
          const violations = await seriousViolations(page);
          for (const v of violations) failures.push(`${scheme} ${story.id}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`);
        } catch (error) {
          failures.push(`${scheme} ${story.id}: ${(error as Error).message}`);
        }
        for (const error of errors) failures.push(`${scheme} ${story.id}: ${error}`);
      }
      await page.close();
    }
    expect(failures).toEqual([]);
  }, 240_000);

  test('bad attribute values show an explained error inside the widget', async () => {
    const page = await context.newPage();
    const expectations: [string, string, RegExp][] = [
      ['rakis-node--BadAttribute', 'rakis-node', /cannot start.*relays: "pigeon=ws:\/\/127\.0\.0\.1:1" is not strategy=url/],
      ['rakis-node--EngineFailed', 'rakis-node', /Could not start contributing.*no WebGPU adapter/],
      ['rakis-prompt--BadAttribute', 'rakis-prompt', /misconfigured.*preset: "extreme" is not one of fast, balanced, strict/],
      ['rakis-prompt--NoSuchNode', 'rakis-prompt', /No Rakis node to ask.*no element with id "missing-node"/],
      ['rakis-prompt--InvalidFrame', 'rakis-prompt', /Expected a whole number of answers from 1 to 256\..*Expected a share above 0 and at most 1/],
      ['rakis-quorum--BadAttribute', 'rakis-quorum', /misconfigured.*request-id: "latest" is not a request id/],
    ];
    for (const [id, element, text] of expectations) {
      await showStory(page, fixture.origin, stories.find((story) => story.id === id)!);
      expect(await shadowText(page, element), id).toMatch(text);
    }
    await page.close();
  });

  test('the decided quorum view marks the cluster, the outlier and the chosen answer, in the picture and in words', async () => {
    const page = await context.newPage();
    await showStory(page, fixture.origin, stories.find((story) => story.id === 'rakis-quorum--Decided')!);
    // The figure is a chunk of its own, loaded when the first reveals are shown.
    await waitFor('the figure', () => page.evaluate(() => !!document.querySelector('rakis-quorum')!.shadowRoot!.querySelector('svg .point')), 10_000, 50);
    const picture = await page.evaluate(() => {
      const root = document.querySelector('rakis-quorum')!.shadowRoot!;
      return {
        members: root.querySelectorAll('svg .point.member').length,
        outliers: root.querySelectorAll('svg .point.outlier').length,
        chosen: root.querySelectorAll('svg .point.chosen').length,
        sphere: root.querySelectorAll('svg .sphere').length,
        description: root.querySelector('svg desc')?.textContent ?? '',
      };
    });
    expect(picture).toMatchObject({ members: 3, outliers: 1, chosen: 1, sphere: 1 });
    expect(picture.description).toMatch(/^4 answers revealed\. 3 agree .*Outliers: node .*The chosen answer is from node/);
    await page.close();
  });

  test('the prompt is usable from the keyboard: type, Ctrl+Enter, read the answer', async () => {
    const page = await context.newPage();
    await showStory(page, fixture.origin, stories.find((story) => story.id === 'rakis-prompt--Idle')!);
    await page.locator('rakis-prompt textarea[part="prompt"]').focus();
    await page.keyboard.type('Why is the sky blue?');
    await page.keyboard.press('Control+Enter');
    await waitFor('the request to leave', () => page.evaluate(() => document.querySelector('rakis-prompt')!.getAttribute('state') === 'in-flight'), 5_000, 50);
    // Tab order reaches the Cancel button while in flight.
    const focusable = await page.evaluate(() => [...document.querySelector('rakis-prompt')!.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent?.trim()));
    expect(focusable).toContain('Cancel');
    await page.close();
  });
});

describe('element API', () => {
  test('events are prefixed, bubble out of the shadow roots, and carry the node and the answer', async () => {
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${fixture.origin}/stories-page.html`);
    await waitFor('the stories page', () => page.evaluate(() => !!window.rakisStories), 15_000, 50);
    const seen = await page.evaluate(async () => {
      const { scripted, constants } = window.rakisStories!;
      const network = scripted();
      await network.workers(3);
      const node = await network.node();
      const events: { type: string; composed: boolean; target: string }[] = [];
      let ready: unknown;
      let answer: unknown;
      for (const type of ['rakis-ready', 'rakis-status', 'rakis-request', 'rakis-consensus', 'rakis-submit', 'rakis-answer']) {
        document.addEventListener(type, (event) => {
          events.push({ type, composed: event.composed, target: (event.target as Element).localName });
          if (type === 'rakis-ready') ready = (event as CustomEvent<{ node: unknown }>).detail.node;
          if (type === 'rakis-answer') answer = (event as CustomEvent<{ output: string }>).detail.output;
        });
      }
      const host = document.createElement('rakis-node');
      host.node = node;
      host.id = 'api-node';
      document.body.append(host);
      const prompt = document.createElement('rakis-prompt');
      prompt.setAttribute('node', 'api-node');
      prompt.setAttribute('models', constants.MODEL);
      prompt.setAttribute('embedding-model', constants.EMBEDDING_MODEL);
      prompt.setAttribute('max-tokens', String(constants.SHORT_ANSWER));
      prompt.frame = { maxTimeMs: constants.QUICK_WINDOW_MS };
      document.body.append(prompt);
      while (prompt.state !== 'idle') await new Promise((resolve) => setTimeout(resolve, 50));
      const result = await prompt.ask('Why is the sky blue?');
      await new Promise((resolve) => setTimeout(resolve, 200));
      await network.stop();
      return { events, sameNode: ready === node && host.node === node && prompt.node === node, answer, outcome: result?.outcome };
    });
    expect(seen.outcome).toBe('decided');
    expect(seen.sameNode).toBe(true);
    expect(seen.answer).toMatch(/sky/);
    const types = new Set(seen.events.map((event) => event.type));
    expect(types).toEqual(new Set(['rakis-ready', 'rakis-status', 'rakis-request', 'rakis-consensus', 'rakis-submit', 'rakis-answer']));
    expect(seen.events.every((event) => event.composed)).toBe(true);
    expect(seen.events.find((event) => event.type === 'rakis-answer')?.target).toBe('rakis-prompt');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a site can turn contributing on after the node started', async () => {
    const page = await context.newPage();
    await page.goto(`${fixture.origin}/stories-page.html`);
    await waitFor('the stories page', () => page.evaluate(() => !!window.rakisStories), 15_000, 50);
    await page.evaluate(() => window.rakisStories!.show('rakis-node--AskingConsent'));
    const stateOf = () => page.evaluate(() => document.querySelector('rakis-node')!.getAttribute('state'));
    await waitFor('the consent panel', async () => (await stateOf()) === 'asking', 10_000, 50);
    await page.evaluate(() => document.querySelector('rakis-node')!.removeAttribute('contribute'));
    await waitFor('the panel to close', async () => (await stateOf()) === 'running', 5_000, 50);
    await page.evaluate(() => document.querySelector('rakis-node')!.setAttribute('contribute', 'auto'));
    await waitFor('contributing', async () => (await stateOf()) === 'contributing', 10_000, 50);
    expect(await shadowText(page, 'rakis-node')).toMatch(/Tokens served/);
    await page.close();
  });

  test('fixing a bad attribute brings the widget back without a reload', async () => {
    const page = await context.newPage();
    await page.goto(`${fixture.origin}/stories-page.html`);
    await waitFor('the stories page', () => page.evaluate(() => !!window.rakisStories), 15_000, 50);
    await page.evaluate(() => {
      const node = document.createElement('rakis-node');
      node.setAttribute('storage', 'none');
      node.setAttribute('transports', 'broadcast-channel');
      node.setAttribute('relays', 'pigeon=ws://127.0.0.1:1');
      node.id = 'fixable';
      const prompt = document.createElement('rakis-prompt');
      prompt.setAttribute('node', 'fixable');
      document.body.append(node, prompt);
    });
    const stateOf = (tag: string) => page.evaluate((t) => document.querySelector(t)!.getAttribute('state'), tag);
    await waitFor('the error states', async () => (await stateOf('rakis-node')) === 'error' && (await stateOf('rakis-prompt')) === 'error', 5_000, 50);
    expect(await shadowText(page, 'rakis-prompt')).toMatch(/#fixable could not start: relays: /);
    await page.evaluate(() => document.querySelector('rakis-node')!.removeAttribute('relays'));
    await waitFor('both to recover', async () => (await stateOf('rakis-node')) === 'running' && (await stateOf('rakis-prompt')) === 'idle', 5_000, 50);
    expect(await shadowText(page, 'rakis-node')).toMatch(/broadcast: live/);
    // Options attributes cannot express restart the node too, and the prompt follows.
    const before = await page.evaluate(() => document.querySelector('rakis-node')!.node!.synthientId);
    await page.evaluate(() => {
      const { scripted } = window.rakisStories!;
      document.querySelector('rakis-node')!.nodeOptions = { transports: [scripted().bus.transport('memory')] };
    });
    await waitFor('the new node', () => page.evaluate((id) => document.querySelector('rakis-node')!.node?.synthientId !== id && /memory:/.test(document.querySelector('rakis-node')!.shadowRoot!.textContent!), before), 5_000, 50);
    await waitFor('the prompt on it', () => page.evaluate(() => document.querySelector('rakis-prompt')!.node === document.querySelector('rakis-node')!.node), 5_000, 50);
    await page.close();
  });
});

describe('script-tag bundle under a strict CSP', () => {
  let server: StaticServer;

  beforeAll(async () => {
    server = await serveStatic([FIXTURES, DIST], { 'content-security-policy': CSP });
  });

  afterAll(async () => {
    await server?.close();
  });

  test('registers the three elements, runs, explains bad attributes, and defines no other global', async () => {
    const page = await context.newPage();
    const errors = collectErrors(page);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      (window as unknown as { globalsBefore: string[] }).globalsBefore = Object.getOwnPropertyNames(window);
    });
    await page.goto(`${server.origin}/csp-page.html`);
    await waitFor('the node to start', () => page.evaluate(() => document.getElementById('good')?.getAttribute('state') === 'running'), 15_000, 50);
    await waitFor('the prompt to connect', () => page.evaluate(() => document.querySelector('rakis-prompt')?.getAttribute('state') === 'idle'), 15_000, 50);
    expect(await page.evaluate(() => ['rakis-node', 'rakis-prompt', 'rakis-quorum'].map((tag) => !!customElements.get(tag)))).toEqual([true, true, true]);
    expect(await page.evaluate(() => document.querySelector('rakis-quorum')?.getAttribute('state'))).toBe('idle');

    expect(await shadowText(page, '#bad-relays')).toMatch(/relays: "pigeon=ws:\/\/127\.0\.0\.1:1" is not strategy=url/);
    expect(await shadowText(page, '#bad-contribute')).toMatch(/contribute: "yes please" is not one of/);
    expect(await shadowText(page, '#bad-preset')).toMatch(/preset: "extreme"/);
    expect(await shadowText(page, '#bad-node')).toMatch(/no element with id "nowhere"/);
    expect(await shadowText(page, '#bad-request')).toMatch(/request-id: "latest" is not a request id/);

    const added = await page.evaluate(() => {
      const before = new Set((window as unknown as { globalsBefore: string[] }).globalsBefore);
      return Object.getOwnPropertyNames(window).filter((name) => !before.has(name) && name !== 'globalsBefore');
    });
    // Lit keeps its versions (to warn about duplicate copies) and decorator metadata on globalThis; nothing of ours is global.
    const lit = ['litElementVersions', 'litHtmlVersions', 'reactiveElementVersions', 'litPropertyMetadata'];
    expect(added.filter((name) => !lit.includes(name))).toEqual([]);
    expect(violations).toEqual([]);
    // The bad-attribute widgets report through rakis-error events, never as uncaught errors or console errors.
    expect(errors).toEqual([]);
    await page.close();
  });
});
