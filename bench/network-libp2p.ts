/**
 * The libp2p part of bench:network: four mesh pages in the same two Chromium processes as the
 * trystero pages (two tabs each, fresh contexts), linked only by the libp2p transport (gossipsub over
 * WebRTC through the local libp2p relay node, no BroadcastChannel), measured the same way.
 */
import type { Browser } from 'playwright-core';
import { startRelays } from '../tools/relay/relays.js';
import type { FixtureServer } from '../testkit/fixture-server.js';
import { burstRates, firstLinks, latencies } from '../testkit/mesh-measure.js';
import { meshPageUrl, openMeshPage, waitForFullMesh, webrtcContext, type MeshPage } from '../testkit/mesh-pages.js';

export interface Libp2pFigures {
  firstPeerMs: number;
  firstPeerMaxMs: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  packetsPerSecond: number;
  everyPacketVerified: boolean;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export async function benchLibp2p(
  browsers: Browser[],
  fixture: FixtureServer,
  { latencyPackets, burstPackets, bursts, limits }: { latencyPackets: number; burstPackets: number; bursts: number; limits: object },
): Promise<Libp2pFigures> {
  const relay = await startRelays({ relays: ['libp2p'] });
  const contexts = await Promise.all(browsers.map((browser) => webrtcContext(browser)));
  try {
    const url = meshPageUrl({ origin: fixture.origin, relays: { libp2p: relay.urls.libp2p! }, network: `bench-libp2p-${Date.now()}`, limits, broadcastChannel: false });
    const pages: MeshPage[] = await Promise.all(contexts.flatMap((context) => [openMeshPage(context, url), openMeshPage(context, url)]));
    const { firstLinkMs } = await firstLinks(pages);
    await waitForFullMesh(pages, 60_000);
    // Gossipsub grafts its mesh at its heartbeat (1 s): let it settle.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const latency = await latencies(pages, latencyPackets);
    const { rates, everyPacketVerified } = await burstRates(pages, burstPackets, bursts);
    const sortedLinks = [...firstLinkMs].sort((a, b) => a - b);
    return {
      firstPeerMs: round(quantile(sortedLinks, 0.5)),
      firstPeerMaxMs: round(sortedLinks[sortedLinks.length - 1]!),
      latencyP50Ms: round(quantile(latency, 0.5), 2),
      latencyP95Ms: round(quantile(latency, 0.95), 2),
      packetsPerSecond: Math.round(quantile(rates, 0.5)),
      everyPacketVerified,
    };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
    await relay.close();
  }
}
