import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startRelays, type Relays } from '../../tools/relay/relays.js';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { serveStatic, type StaticServer } from '../../testkit/static-server.js';
import { waitFor } from '../../testkit/wait-for.js';

// <rakis-node> built from the script-tag bundle, told to use relays on ports where nothing listens
// yet: it must say its transports are down with no peers (not "live"), then live once the relays
// answer, count the peers it links per transport, and go down again when the relays stop.
const FIXTURES = fileURLToPath(new URL('./transport-health/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
/** Shortened from the default 10 s so the test sees "down" quickly. */
const RELAY_TIMEOUT_MS = 3_000;

let browser: Browser;
let context: BrowserContext;
let server: StaticServer;
let relays: Relays | undefined;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium({ webrtc: true }), serveStatic([FIXTURES, DIST])]);
  context = await newContext(browser, { webrtc: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await relays?.close();
});

/** A port nothing listens on (free a moment ago). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Opens the page (after `initScript`, if given) and adds a <rakis-node> with these attributes. */
async function nodePage(attributes: Record<string, string>, initScript?: string): Promise<Page> {
  const page = await context.newPage();
  if (initScript) await page.addInitScript({ content: initScript });
  await page.goto(`${server.origin}/page.html`);
  await page.evaluate(
    ({ attributes, relayTimeoutMs }) => {
      const element = document.createElement('rakis-node');
      for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
      element.nodeOptions = { mesh: { limits: { restart: { relayTimeoutMs } } } };
      document.querySelector('main')!.append(element);
    },
    { attributes, relayTimeoutMs: RELAY_TIMEOUT_MS },
  );
  return page;
}

/** The widget's transport lines as a visitor reads them. */
function transportLines(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...(document.querySelector('rakis-node')?.shadowRoot?.querySelectorAll('[part=transports] li') ?? [])].map((li) => li.textContent!.replace(/\s+/g, ' ').trim()),
  );
}

async function waitForLines(page: Page, what: string, expected: RegExp[], timeoutMs: number): Promise<string[]> {
  let lines: string[] = [];
  await waitFor(
    what,
    async () => {
      lines = await transportLines(page);
      return lines.length === expected.length && expected.every((pattern, i) => pattern.test(lines[i]!));
    },
    timeoutMs,
    100,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; the widget shows ${JSON.stringify(lines)}`);
  });
  return lines;
}

describe('<rakis-node> transport health', () => {
  test('relays unreachable: down with 0 peers; live once they answer, with peers per transport; down again when they stop', async () => {
    const ports = { torrent: await freePort(), mqtt: await freePort() };
    const attributes = {
      network: `health-${Date.now()}`,
      relays: `torrent=ws://127.0.0.1:${ports.torrent} mqtt=ws://127.0.0.1:${ports.mqtt}`,
      transports: 'torrent mqtt',
      storage: 'none',
    };
    const first = await nodePage(attributes);
    const startedAt = Date.now();
    await waitForLines(first, 'the transports to be down', [/^torrent: down \(relay unreachable\) · 0 peers$/, /^mqtt: down \(relay unreachable\) · 0 peers$/], 15_000);
    const downAfterMs = Date.now() - startedAt;
    expect(await first.evaluate(() => document.querySelector('rakis-node')!.node!.status.transports.map((t) => [t.state, t.peers]))).toEqual([
      ['down', 0],
      ['down', 0],
    ]);
    expect(await first.evaluate(() => document.querySelector('rakis-node')!.shadowRoot!.querySelector('header')!.textContent)).toMatch(/0 peers/);

    relays = await startRelays({ ports });
    const relaysAt = Date.now();
    await waitForLines(first, 'the transports to be live', [/^torrent: live · 0 peers$/, /^mqtt: live · 0 peers$/], 40_000);
    const liveAfterMs = Date.now() - relaysAt;

    const second = await nodePage(attributes);
    const linked = [/^torrent: live · 1 peer$/, /^mqtt: live · 1 peer$/];
    await Promise.all([first, second].map((page) => waitForLines(page, 'the two nodes to link on both transports', linked, 40_000)));

    await relays.close();
    relays = undefined;
    const stoppedAt = Date.now();
    // The WebRTC links formed while the relays were up outlive them: down, yet still one peer.
    await waitForLines(first, 'the transports to be down again', [/^torrent: down \(relay unreachable\) · 1 peer$/, /^mqtt: down \(relay unreachable\) · 1 peer$/], 15_000);
    console.log(`transport health: down ${downAfterMs} ms after start, live ${liveAfterMs} ms after the relays started, down ${Date.now() - stoppedAt} ms after they stopped (timeout ${RELAY_TIMEOUT_MS} ms)`);
    await Promise.all([first.close(), second.close()]);
  }, 150_000);

  test('a relay down for longer than trystero retries it is still reconnected once it answers', async () => {
    // trystero retries a lost relay socket after random waits that double, and after six failures gives it
    // up for the page's life (about 100 s). With Math.random at 0 those waits are nothing: without the
    // node's own retry schedule, the socket is given up within a moment of the page starting.
    const port = await freePort();
    const page = await nodePage({ network: `retry-${Date.now()}`, relays: `torrent=ws://127.0.0.1:${port}`, transports: 'torrent', storage: 'none' }, 'Math.random = () => 0;');
    await waitForLines(page, 'the transport to be down', [/^torrent: down \(relay unreachable\) · 0 peers$/], 15_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const late = await startRelays({ ports: { torrent: port } });
    const startedAt = Date.now();
    try {
      await waitForLines(page, 'the transport to be live again', [/^torrent: live · 0 peers$/], 20_000);
      console.log(`transport health: a relay given up by trystero's own schedule was live ${Date.now() - startedAt} ms after it started`);
    } finally {
      await page.close();
      await late.close();
    }
  }, 60_000);

  test('a JSON object or a number sent on the network is counted as malformed, not as a duplicate', async () => {
    const network = `malformed-${Date.now()}`;
    const page = await nodePage({ network, transports: 'broadcast-channel', storage: 'none' });
    await waitFor('the node', () => page.evaluate(() => document.querySelector('rakis-node')?.getAttribute('state') === 'running'), 15_000, 50);
    const drops = await page.evaluate(async (name) => {
      const channel = new BroadcastChannel(name);
      for (const value of [{ v: 1 }, { v: 1 }, 42, 42]) channel.postMessage(value);
      channel.close();
      const node = document.querySelector('rakis-node')!.node!;
      for (let i = 0; i < 100 && (node.status.packets.drops.malformed ?? 0) < 4; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      return node.status.packets.drops;
    }, `rakis:${network}`);
    expect(drops).toEqual({ malformed: 4 });
    await page.close();
  });
});
