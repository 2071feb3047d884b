import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { StoryEntry } from './elements/stories-page-api.js';
import { collectFirefoxErrors, launchFirefox, type Firefox } from '../../testkit/firefox.js';
import { buildAndServeFixture, type FixtureServer } from '../../testkit/fixture-server.js';
import { waitFor } from '../../testkit/wait-for.js';

// Every Storybook story renders its state in Firefox (Debian's ESR, headless, over WebDriver BiDi)
// without console errors or uncaught exceptions: the elements' fixture of elements.test.ts, in the
// second engine.
const FIXTURES = fileURLToPath(new URL('./elements/', import.meta.url));

let firefox: Firefox;
let fixture: FixtureServer;
let stories: StoryEntry[] = [];

beforeAll(async () => {
  [firefox, fixture] = await Promise.all([launchFirefox(), buildAndServeFixture(FIXTURES, ['stories-page.html'])]);
  const page = await firefox.newPage();
  await page.goto(`${fixture.origin}/stories-page.html`);
  stories = await waitFor('the stories page', () => page.evaluate(() => window.rakisStories?.stories), 15_000, 50);
  await page.close();
});

afterAll(async () => {
  await firefox?.close();
  await fixture?.close();
});

async function showStory(page: Page, story: StoryEntry): Promise<void> {
  await page.goto(`${fixture.origin}/stories-page.html`);
  await waitFor('the stories page', () => page.evaluate(() => !!window.rakisStories), 15_000, 50);
  await page.evaluate((id) => window.rakisStories!.show(id), story.id);
  await waitFor(
    `${story.id} to reach ${story.state}`,
    () => page.evaluate(({ element, state }) => document.querySelector(element)?.getAttribute('state') === state, story),
    15_000,
    50,
  );
}

test('each story renders its state in Firefox without console errors', async () => {
  expect(stories.length).toBeGreaterThan(10);
  const page = await firefox.newPage();
  const errors = collectFirefoxErrors(page);
  // The collector itself works over BiDi: a probe error and an uncaught one are seen.
  await page.goto(`${fixture.origin}/stories-page.html`);
  await page.evaluate(() => {
    console.error('probe');
    setTimeout(() => {
      throw new Error('uncaught probe');
    });
  });
  await waitFor('the probe errors', async () => errors.length >= 2, 5_000, 50);
  expect(errors).toEqual(['console: probe', expect.stringMatching(/^uncaught: .*uncaught probe/)]);
  const failures: string[] = [];
  for (const story of stories) {
    errors.length = 0;
    try {
      await showStory(page, story);
      // Let late renders and rejected promises surface before judging the page.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } catch (error) {
      failures.push(`${story.id}: ${(error as Error).message}`);
    }
    for (const error of errors) failures.push(`${story.id}: ${error}`);
  }
  await page.close();
  expect(failures).toEqual([]);
}, 240_000);
