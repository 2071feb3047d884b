import type { Page } from 'playwright-core';
import { waitFor } from './wait-for.js';

/** The `state` an element reflects on a page (null when it is not there). */
export function stateOf(page: Page, selector: string): Promise<string | null> {
  return page.evaluate((s) => document.querySelector(s)?.getAttribute('state') ?? null, selector);
}

/**
 * Asks through the page's `<rakis-prompt>` as a visitor would (types, presses Ask), with these frame
 * values set first; resolves with the requestId once it is sent.
 */
export async function askOnPage(page: Page, question: string, frame: { maxTimeMs?: number; quorum?: number }): Promise<string> {
  await page.evaluate((values) => {
    (document.querySelector('rakis-prompt') as HTMLElement & { frame: unknown }).frame = values;
  }, frame);
  const submitted = page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        document.querySelector('rakis-prompt')!.addEventListener('rakis-submit', (event) => resolve((event as CustomEvent<{ requestId: string }>).detail.requestId), { once: true }),
      ),
  );
  await page.locator('rakis-prompt textarea[part="prompt"]').fill(question);
  await page.locator('rakis-prompt').getByRole('button', { name: 'Ask' }).click();
  return submitted;
}

/**
 * An init script that makes a demo page's `<rakis-node>` a node of its own tab (`storage="tab"`),
 * set before the element starts: under the default, one node per site, pages of one browser context
 * would all be one node, and tests that need several contributors in one context would get one.
 */
export const NODE_PER_TAB_SCRIPT = `new MutationObserver((_, observer) => {
  const node = document.querySelector('rakis-node');
  if (node) (node.setAttribute('storage', 'tab'), observer.disconnect());
}).observe(document, { childList: true, subtree: true });`;

/** The visitor agrees on a demo blog page: presses "Start contributing" once its `<rakis-node>` asks (not waiting for the engines). */
export async function agreeToContribute(page: Page, timeoutMs = 60_000): Promise<void> {
  await waitFor('the node to ask', async () => ['asking', 'contributing'].includes((await stateOf(page, 'rakis-node')) ?? ''), timeoutMs);
  if ((await stateOf(page, 'rakis-node')) === 'asking') await page.locator('rakis-node').getByRole('button', { name: 'Start contributing' }).click();
}

/** Has a demo blog page's `<rakis-node>` contribute: agrees, then waits until it contributes. */
export async function contributeOnPage(page: Page, timeoutMs = 180_000): Promise<void> {
  await agreeToContribute(page);
  await waitFor('a contributing node', async () => (await stateOf(page, 'rakis-node')) === 'contributing', timeoutMs);
}
