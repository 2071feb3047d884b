import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import type { CctvVerdicts } from '../../testkit/cctv-ed25519.js';
import { CCTV_RULE_ACCEPTS } from '../../testkit/cctv-ed25519.js';
import { launchFirefox, type Firefox } from '../../testkit/firefox.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { buildAndServeFixture, type FixtureServer } from '../../testkit/fixture-server.js';
import { waitFor } from '../../testkit/wait-for.js';

// The protocol's one Ed25519 rule gives the same verdict on all 914 C2SP CCTV vectors in Chromium and
// in Firefox, through native WebCrypto and through the pure fallback, as in Node
// (tests/unit/signature-rule.test.ts); the browsers' own WebCrypto verdicts differ, and are printed.
const FIXTURES = fileURLToPath(new URL('./signature-rule/', import.meta.url));

const HONEST = 32;
const HONEST_TALLY = { pure: HONEST, native: HONEST, tamperedPure: 0, tamperedNative: 0 };

let fixture: FixtureServer;

beforeAll(async () => {
  fixture = await buildAndServeFixture(FIXTURES, ['cctv-page.html']);
});

afterAll(async () => {
  await fixture?.close();
});

function report(environment: string, verdicts: CctvVerdicts): void {
  console.info(`${environment} CCTV: WebCrypto raw ${verdicts.nativeRaw?.length ?? 'n/a'}, rule (pure) ${verdicts.rulePure.length}, rule (WebCrypto) ${verdicts.ruleNative.length} of 914; raw accepts ${JSON.stringify(verdicts.nativeRaw)}`);
}

function expectRule(verdicts: CctvVerdicts): void {
  expect(verdicts.nativeRaw, 'this browser has WebCrypto Ed25519').not.toBeNull();
  expect(verdicts.rulePure).toEqual(CCTV_RULE_ACCEPTS);
  expect(verdicts.ruleNative).toEqual(CCTV_RULE_ACCEPTS);
}

/** What the vectors page needs of a page, whichever library drives the engine (they type `evaluate` differently). */
interface VectorsPage {
  goto(url: string): Promise<unknown>;
  evaluate(run: (arg: any) => unknown, arg?: any): Promise<any>;
}

/** Runs every vector through the rule on the page, both ways, and honest signatures through both paths. */
async function checkVectorsPage(page: VectorsPage, environment: string): Promise<void> {
  await page.goto(`${fixture.origin}/cctv-page.html`);
  await waitFor('the vectors page', () => page.evaluate(() => !!window.rakisCctv) as Promise<boolean>, 15_000, 50);
  const verdicts = (await page.evaluate(() => window.rakisCctv!())) as CctvVerdicts;
  report(environment, verdicts);
  expectRule(verdicts);
  expect(await page.evaluate((n: number) => window.rakisHonest!(n), HONEST), 'honest signatures').toEqual(HONEST_TALLY);
}

describe('Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('the rule accepts exactly the same CCTV vectors with WebCrypto and with the pure fallback', async () => {
    await checkVectorsPage(await (await newContext(browser)).newPage(), `Chromium ${browser.version()}`);
  });
});

describe('Firefox', () => {
  let firefox: Firefox;
  beforeAll(async () => {
    firefox = await launchFirefox();
  });
  afterAll(async () => {
    await firefox?.close();
  });

  test('the rule accepts exactly the same CCTV vectors with WebCrypto and with the pure fallback', async () => {
    await checkVectorsPage(await firefox.newPage(), `Firefox ${await firefox.browser.version()}`);
  });
});
