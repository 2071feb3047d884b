import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, newContext } from '../../testkit/chromium.js';

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>smoke</title><p>ok</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium({ webrtc: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

test('a localhost page is a secure context with WebCrypto, IndexedDB and BroadcastChannel', async () => {
  const page = await (await newContext(browser, { webrtc: true })).newPage();
  await page.goto(origin);
  const caps = await page.evaluate(() => ({
    secure: isSecureContext,
    subtle: typeof crypto.subtle?.digest,
    idb: typeof indexedDB?.open,
    bc: typeof BroadcastChannel,
  }));
  expect(caps).toEqual({ secure: true, subtle: 'function', idb: 'function', bc: 'function' });
});
