import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../testkit/chromium.js';
import { serveStatic, type StaticServer } from '../../testkit/static-server.js';
import { waitFor } from '../../testkit/wait-for.js';
import { collectErrors } from './support/page-checks.js';
import { pixelDiff } from './support/pixel-diff.js';

// The elements on a page that does its worst (`* { all: unset }`, 40 px red bold italic serif text
// with spacing, indents, shadows and `white-space: pre` to inherit) look as they do on a plain page:
// same computed text styles everywhere in their shadow trees, same box, and the same pixels.
const PAGES = fileURLToPath(new URL('./styling/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/hostile-page/', import.meta.url));
const ELEMENTS = [
  ['rakis-node', 'running'],
  ['rakis-prompt', 'idle'],
  ['rakis-quorum', 'idle'],
] as const;
type Tag = (typeof ELEMENTS)[number][0];
/**
 * Share of an element's pixels that may differ from the plain page's: a box of fractional height shows
 * what lies below it in its last pixel row, which differs between the pages. With their look on
 * `:host`, 84–95% of the elements' pixels differed.
 */
const MAX_DIFF_RATIO = 0.01;

/** The computed styles that make text legible and the box visible, for the box and every element in it. */
const STYLES = [
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'line-height',
  'color',
  'letter-spacing',
  'word-spacing',
  'text-transform',
  'text-align',
  'text-indent',
  'text-shadow',
  'white-space',
  'background-color',
  'border-top-width',
  'border-top-style',
  'border-top-color',
  'border-top-left-radius',
  'padding-top',
  'padding-left',
] as const;

interface ElementLook {
  box: { width: number; height: number };
  base: Record<string, string>;
  /** `tag.class: style values` of every element inside the box, in document order. */
  inside: string[];
  text: string;
}

let browser: Browser;
let server: StaticServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveStatic([PAGES, DIST])]);
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a page in a context of its own (the nodes must not meet over BroadcastChannel) and waits for every element's offline state. */
async function open(name: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 3000 }, colorScheme: 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.origin}/${name}`);
  for (const [tag, state] of ELEMENTS) {
    await waitFor(`${tag} to be ${state} on ${name}`, () => page.evaluate(([t, s]) => document.querySelector(t)?.getAttribute('state') === s, [tag, state] as const), 15_000, 50);
  }
  await page.evaluate(() => document.fonts.ready);
  return { page, errors };
}

function look(page: Page, tag: Tag): Promise<ElementLook> {
  return page.evaluate(
    ([tag, styles]) => {
      const base = document.querySelector(tag)!.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
      const pick = (element: Element) => {
        const computed = getComputedStyle(element);
        return Object.fromEntries(styles.map((name) => [name, computed.getPropertyValue(name)]));
      };
      const rect = base.getBoundingClientRect();
      return {
        box: { width: rect.width, height: rect.height },
        base: pick(base),
        inside: [...base.querySelectorAll('*')].map((element) => `${element.localName}.${[...element.classList].join('.')}: ${Object.values(pick(element)).join(' | ')}`),
        // A node's id is random: each page's is its own.
        text: [...base.querySelectorAll('dd code')].reduce((text, code) => text.replace(code.textContent!, '<id>'), base.innerText).replace(/\s+/g, ' ').trim(),
      };
    },
    [tag, STYLES] as const,
  );
}

/**
 * A screenshot of the element's box, its node id masked (it is random). Clipped to whole pixels: a box
 * of fractional height would show, in its last row, whatever the page has below it.
 */
async function shoot(page: Page, tag: Tag): Promise<Buffer> {
  const box = (await page.locator(`${tag} [part~="base"]`).boundingBox())!;
  const clip = { x: Math.ceil(box.x), y: Math.ceil(box.y), width: Math.floor(box.x + box.width) - Math.ceil(box.x), height: Math.floor(box.y + box.height) - Math.ceil(box.y) };
  return page.screenshot({ clip, fullPage: true, mask: [page.locator(`${tag} dd code`)], animations: 'disabled', caret: 'hide' });
}

describe('the elements on a hostile page', () => {
  test('keep their fonts, colours, box and pixels', async () => {
    const plain = await open('plain-page.html');
    const hostile = await open('hostile-page.html');
    await writeFile(`${SCREENSHOTS}plain-page.png`, await plain.page.screenshot({ fullPage: true }));
    await writeFile(`${SCREENSHOTS}hostile-page.png`, await hostile.page.screenshot({ fullPage: true }));
    const measured = [];
    for (const [tag] of ELEMENTS) {
      const [expected, actual] = [await look(plain.page, tag), await look(hostile.page, tag)];
      const [plainShot, hostileShot] = [await shoot(plain.page, tag), await shoot(hostile.page, tag)];
      await writeFile(`${SCREENSHOTS}plain-${tag}.png`, plainShot);
      await writeFile(`${SCREENSHOTS}hostile-${tag}.png`, hostileShot);
      measured.push({ tag, expected, actual, diff: await pixelDiff(plain.page, plainShot, hostileShot) });
    }
    console.log(
      [
        `hostile page, screenshots in ${SCREENSHOTS}`,
        ...measured.map(
          ({ tag, expected, actual, diff }) =>
            `${tag}: box ${actual.box.width}×${actual.box.height} (plain ${expected.box.width}×${expected.box.height}), ` +
            `font ${actual.base['font-size']} ${actual.base['font-family']} (plain ${expected.base['font-size']}), colour ${actual.base.color}, ` +
            `border ${actual.base['border-top-width']} ${actual.base['border-top-style']}, pixels differing ${diff.differing} (${(diff.ratio * 100).toFixed(3)}%, ${diff.sizes.join(' vs ')})`,
        ),
      ].join('\n'),
    );
    for (const { tag, expected, actual, diff } of measured) {
      expect(actual.base, `${tag}: the box's computed styles`).toEqual(expected.base);
      expect(actual.inside, `${tag}: computed styles inside the box`).toEqual(expected.inside);
      expect(expected.box.width * expected.box.height, `${tag}: a box on the plain page`).toBeGreaterThan(0);
      expect(Math.abs(actual.box.width - expected.box.width), `${tag}: box width`).toBeLessThanOrEqual(1);
      expect(Math.abs(actual.box.height - expected.box.height), `${tag}: box height`).toBeLessThanOrEqual(1);
      expect(actual.text, `${tag}: text`).toBe(expected.text);
      expect(diff.ratio, `${tag}: pixels differing from the plain page (${diff.sizes.join(' vs ')})`).toBeLessThan(MAX_DIFF_RATIO);
    }
    expect(plain.errors).toEqual([]);
    expect(hostile.errors).toEqual([]);
    await Promise.all([plain.page.context().close(), hostile.page.context().close()]);
  });

  test('the box still takes the size the page gives the element', async () => {
    const { page } = await open('plain-page.html');
    const sizes = await page.evaluate(async () => {
      const host = document.querySelector<HTMLElement>('rakis-quorum')!;
      const base = host.shadowRoot!.querySelector('[part~="base"]')!;
      const sized = async (width: string, height: string) => {
        Object.assign(host.style, { width, height });
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const rect = base.getBoundingClientRect();
        return `${rect.width}×${rect.height}`;
      };
      return [await sized('240px', '300px'), await sized('', '')];
    });
    expect(sizes[0]).toBe('240×300');
    expect(sizes[1]).not.toBe('240×300');
    await page.context().close();
  });
});
