import type { StoryEntry } from '../elements/stories-page-api.js';
import { waitFor } from '../../../testkit/wait-for.js';

/**
 * What the stories page needs of a browser page, whichever engine drives it (playwright-core's
 * Chromium page or puppeteer-core's Firefox page): they agree on these two calls.
 */
export interface StoriesPage {
  goto(url: string): Promise<unknown>;
  // The two libraries type `evaluate` differently; what crosses into the page is checked where it is used.
  evaluate(run: (arg: any) => unknown, arg?: any): Promise<any>;
}

/** The stories the fixture page offers. */
export async function listStories(page: StoriesPage, origin: string): Promise<StoryEntry[]> {
  await page.goto(`${origin}/stories-page.html`);
  return waitFor('the stories page', () => page.evaluate(() => window.rakisStories?.stories) as Promise<StoryEntry[] | undefined>, 15_000, 50);
}

/** Opens the stories page on `story` and waits until its element reflects the story's state. */
export async function showStory(page: StoriesPage, origin: string, story: StoryEntry): Promise<void> {
  await page.goto(`${origin}/stories-page.html`);
  await waitFor('the stories page', () => page.evaluate(() => !!window.rakisStories) as Promise<boolean>, 15_000, 50);
  await page.evaluate((id: string) => window.rakisStories!.show(id), story.id);
  await waitFor(
    `${story.id} to reach ${story.state}`,
    () => page.evaluate(({ element, state }: StoryEntry) => document.querySelector(element)?.getAttribute('state') === state, story) as Promise<boolean>,
    15_000,
    50,
  );
}
