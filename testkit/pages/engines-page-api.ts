/** What the engines fixture page exposes to Playwright's `page.evaluate` (as `window.rakisEngines`). */
import type * as engines from '../../src/engines/index.js';

export type EnginesPageApi = typeof engines;

declare global {
  interface Window {
    rakisEngines: EnginesPageApi;
    /** Set when the module ran, so tests can wait for it. */
    rakisEnginesReady: boolean;
  }
}
