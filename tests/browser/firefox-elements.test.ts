import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { StoryEntry } from './elements/stories-page-api.js';
import { listStories, showStory } from './support/stories.js';
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
  stories = await listStories(page, fixture.origin);
  await page.close();
});

afterAll(async () => {
  await firefox?.close();
  await fixture?.close();
});


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
      await showStory(page, fixture.origin, story);
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
