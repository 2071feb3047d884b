import type { Page } from 'playwright-core';

/**
 * Runs `call` in the page against the object the page put on `window[global]`. The call is shipped as
 * source (page.evaluate cannot carry closures), so it may use only its two arguments; `arg` travels as JSON.
 */
export function callInPage<Api, R, A = undefined>(page: Page, global: string, call: (api: Api, arg: A) => R | Promise<R>, arg?: A): Promise<R> {
  return page.evaluate(
    async ({ global, source, arg }) => {
      const fn = new Function(`return (${source})`)() as (api: unknown, arg: unknown) => unknown;
      return fn((window as unknown as Record<string, unknown>)[global], arg);
    },
    { global, source: call.toString(), arg },
  ) as Promise<R>;
}
