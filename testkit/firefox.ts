import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Debian's Firefox ESR, headless, driven by puppeteer-core over WebDriver BiDi (Playwright cannot drive
 * it: it needs its own patched Firefox). See ../shared/P2P.md, "Firefox ESR as a second engine".
 */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Keeps WebRTC on 127.0.0.1 inside the test's loopback-only namespace; neither pref alone is enough. */
export const LOOPBACK_WEBRTC_PREFS: Record<string, unknown> = {
  'permissions.default.microphone': 1, // else ICE gathers only on the default-route address (none there)
  'media.peerconnection.ice.loopback': true, // else loopback interfaces are skipped
};

export interface FirefoxLaunchOptions {
  webrtc?: boolean;
  prefs?: Record<string, unknown>;
}

/** A running Firefox with a throwaway profile; `close()` ends it and removes the profile. */
export interface Firefox {
  browser: Browser;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<Firefox> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'rakis-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    userDataDir,
    // puppeteer writes the profile's user.js itself: prefs go through it.
    extraPrefsFirefox: { ...(options.webrtc ? LOOPBACK_WEBRTC_PREFS : {}), ...options.prefs },
  });
  return {
    browser,
    newPage: () => browser.newPage(),
    close: async () => {
      await browser.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** What a Firefox page printed as errors (console errors and uncaught exceptions), collected from the start. */
export function collectFirefoxErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${(error as Error).message ?? String(error)}`));
  return errors;
}
