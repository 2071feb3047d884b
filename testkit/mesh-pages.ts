import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MeshPageApi, MeshPageInfo } from './pages/mesh-page-api.js';
import { fileURLToPath } from 'node:url';
import { newContext } from './chromium.js';
import { callInPage } from './page-call.js';
import { buildAndServeFixture, type FixtureServer } from './fixture-server.js';
import { waitFor } from './wait-for.js';

/** Builds pages/mesh-page.html and serves it on 127.0.0.1 (open it with meshPageUrl). */
export function serveMeshPages(): Promise<FixtureServer> {
  return buildAndServeFixture(fileURLToPath(new URL('./pages/', import.meta.url)), ['mesh-page.html']);
}

/** A fixture page running a mesh node, seen from Node. */
export interface MeshPage {
  page: Page;
  synthientId: string;
  info(): Promise<MeshPageInfo>;
  /** Runs `call` against the page's window.rakisMesh. */
  run<R, A = undefined>(call: (api: MeshPageApi, arg: A) => R | Promise<R>, arg?: A): Promise<R>;
}

export interface MeshPageUrlOptions {
  origin: string;
  /** The signaling networks the page joins, by their relay's URL. */
  relays: { torrent?: string; mqtt?: string; nostr?: string; libp2p?: string };
  network: string;
  limits?: object;
  /** The libp2p transport's bound on links per page and gossipsub degree (when `relays.libp2p` is given). */
  libp2p?: { maxPeers?: number; meshDegree?: number };
  /** Also link tabs of one context over BroadcastChannel; default true. */
  broadcastChannel?: boolean;
}

export function meshPageUrl({ origin, relays, network, limits, libp2p, broadcastChannel = true }: MeshPageUrlOptions): string {
  const params = new URLSearchParams({
    network,
    ...relays,
    ...(limits && { limits: JSON.stringify(limits) }),
    ...(libp2p?.maxPeers && { maxPeers: String(libp2p.maxPeers) }),
    ...(libp2p?.meshDegree && { meshDegree: String(libp2p.meshDegree) }),
    ...(!broadcastChannel && { broadcast: '0' }),
  });
  return `${origin}/mesh-page.html?${params}`;
}

/** Opens a mesh fixture page in `context` and waits for its node to exist. */
export async function openMeshPage(context: BrowserContext, url: string): Promise<MeshPage> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(url);
  const synthientId = await waitFor('the mesh page', () => page.evaluate(() => window.rakisMesh?.synthientId), 15_000, 50);
  const run = <R, A>(call: (api: MeshPageApi, arg: A) => R | Promise<R>, arg?: A): Promise<R> => callInPage(page, 'rakisMesh', call, arg);
  return { page, synthientId, info: () => run((api) => api.info()), run };
}

/** A browser process with one context (one origin's BroadcastChannel scope) for WebRTC pages. */
export async function webrtcContext(browser: Browser): Promise<BrowserContext> {
  return newContext(browser, { webrtc: true });
}

/** Waits until every page has heard from every other (over any transport). */
export async function waitForFullMesh(pages: MeshPage[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'every page to hear every other',
    async () => {
      const infos = await Promise.all(pages.map((page) => page.info()));
      return infos.every((info) => {
        const heard = new Set(info.peers.map((peer) => peer.synthientId));
        return pages.every((other) => other.synthientId === info.synthientId || heard.has(other.synthientId));
      });
    },
    timeoutMs,
    200,
  );
}
