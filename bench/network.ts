/**
 * `npm run bench:network [-- --json]`: four mesh nodes in two Chromium processes (two tabs each),
 * joined over the local torrent tracker, MQTT broker and nostr relay plus BroadcastChannel, all on
 * loopback; then the same four pages over each signaling network alone (no BroadcastChannel, so every
 * packet crosses a WebRTC link that network introduced), compared with torrent, the default one.
 *
 * - firstPeerMs: navigation to the first WebRTC link, median over the four pages (opened together);
 * - latencyP50Ms / latencyP95Ms: one-way time of a small signed packet, sender's send call to the
 *   receiver's delivery (first copy, whichever transport), over 200 packets from all four pages;
 * - packetsPerSecond: 1,000 signed packets sent back to back by one page, received, verified and
 *   deduplicated by each other page, send call to last delivery; the slowest receiver's rate, median
 *   of three bursts from different pages;
 * - verifyUsPerPacket: signature verification as the mesh does it (WebCrypto Ed25519), per packet;
 * - pipelinePacketsPerSecond: the same 1,000 packets through one page's mesh with three in-memory
 *   copies of each: what the receive path costs without WebRTC and without three other pages
 *   competing for the cores.
 *
 * Then the same first peer, latency and throughput figures for the libp2p transport (four more pages,
 * gossipsub over WebRTC through the local libp2p relay node only; bench/network-libp2p.ts), with each
 * figure's ratio to trystero's from this run.
 */
import { cpus, loadavg } from 'node:os';
import type { Browser, BrowserContext } from 'playwright-core';
import { startRelays, type RelayName } from '../tools/relay/relays.js';
import { launchChromium } from '../testkit/chromium.js';
import { parseCli } from '../testkit/cli.js';
import { waitFor } from '../testkit/wait-for.js';
import { meshPageUrl, openMeshPage, serveMeshPages, waitForFullMesh, webrtcContext, type MeshPage } from '../testkit/mesh-pages.js';
import { benchLibp2p } from './network-libp2p.js';

const json = parseCli(import.meta.url, { json: { type: 'boolean', default: false } }).values.json;
const LATENCY_PACKETS = 200;
const BURST_PACKETS = 1_000;
const BURSTS = 3;
// The bench measures the pipeline, not the flood protection.
const LIMITS = { rate: { burst: 100_000, perSecond: 100_000 } };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const relays = await startRelays();
const fixture = await serveMeshPages();
const browsers: Browser[] = await Promise.all([launchChromium({ webrtc: true }), launchChromium({ webrtc: true })]);

interface MeshFigures {
  firstPeerMs: number;
  firstPeerMaxMs: number;
  /** Median time from navigation to the mesh script running. */
  meshStartedMs: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencySamples: number;
  packetsPerSecond: number;
  burstRates: number[];
  everyPacketVerified: boolean;
}

/** Four pages (two per browser process) on the given signaling networks, meshed. */
async function openMesh(relayUrls: Partial<Record<RelayName, string>>, broadcastChannel: boolean): Promise<{ pages: MeshPage[]; contexts: BrowserContext[] }> {
  const url = meshPageUrl({ origin: fixture.origin, relays: relayUrls, network: `bench-${Date.now()}`, limits: LIMITS, broadcastChannel });
  const contexts = await Promise.all(browsers.map((browser) => webrtcContext(browser)));
  const pages: MeshPage[] = await Promise.all(contexts.flatMap((context) => [openMeshPage(context, url), openMeshPage(context, url)]));
  return { pages, contexts };
}

/** First links, one-way latency and burst throughput of a freshly opened mesh. */
async function measureMesh(pages: MeshPage[]): Promise<MeshFigures> {
  const linkInfos = await waitFor('every page to get a WebRTC link', async () => {
    const infos = await Promise.all(pages.map((page) => page.info()));
    return infos.every((info) => info.firstLinkMs !== undefined) && infos;
  });
  const firstLinks = linkInfos.map((info) => info.firstLinkMs!).sort((a, b) => a - b);
  const scriptStarts = linkInfos.map((info) => info.startedMs).sort((a, b) => a - b);
  await waitForFullMesh(pages, 60_000);
  // Let the remaining links settle so the measurements see the steady mesh.
  await sleep(1_000);

  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_PACKETS; i++) {
    const sender = pages[i % pages.length]!;
    const receivers = pages.filter((page) => page !== sender);
    const { id, sentAt } = await sender.run((api, tag) => api.publish(tag), `latency-${i}`);
    const arrivals = await waitFor('a latency probe to arrive everywhere', async () => {
      const seen = await Promise.all(receivers.map(async (page) => (await page.run((api, ids) => api.deliveries(ids), [id]))[0]!.at));
      return seen.every((at) => at !== undefined) && (seen as number[]);
    }, 10_000, 2);
    for (const at of arrivals) latencies.push(at - sentAt);
  }
  latencies.sort((a, b) => a - b);

  // Three bursts from different pages; the median of their slowest-receiver rates (the machine is shared).
  const burstRates: number[] = [];
  let everyPacketVerified = true;
  for (let burst = 0; burst < BURSTS; burst++) {
    const sender = pages[burst % pages.length]!;
    const receivers = pages.filter((page) => page !== sender);
    const before = await Promise.all(receivers.map((page) => page.info()));
    const { ids, sentAt } = await sender.run((api, count) => api.publishBurst(count), BURST_PACKETS);
    const lastArrivals = await Promise.all(receivers.map((page) => page.run((api, wanted) => api.whenDelivered(wanted, 60_000), ids)));
    burstRates.push(Math.min(...lastArrivals.map((lastAt) => BURST_PACKETS / ((lastAt - sentAt) / 1000))));
    const after = await Promise.all(receivers.map((page) => page.info()));
    const deliveries = await Promise.all(receivers.map((page) => page.run((api, wanted) => api.deliveries(wanted), ids)));
    everyPacketVerified &&=
      deliveries.every((got) => got.every((delivery) => delivery.count === 1)) &&
      after.every(
        (info, i) =>
          info.stats.verified - before[i]!.stats.verified >= BURST_PACKETS && info.stats.accepted - before[i]!.stats.accepted >= BURST_PACKETS,
      );
    await sleep(500);
  }
  return {
    firstPeerMs: round(quantile(firstLinks, 0.5)),
    firstPeerMaxMs: round(firstLinks[firstLinks.length - 1]!),
    meshStartedMs: round(quantile(scriptStarts, 0.5)),
    latencyP50Ms: round(quantile(latencies, 0.5), 2),
    latencyP95Ms: round(quantile(latencies, 0.95), 2),
    latencySamples: latencies.length,
    packetsPerSecond: Math.round(quantile([...burstRates].sort((a, b) => a - b), 0.5)),
    burstRates: burstRates.map(Math.round),
    everyPacketVerified,
  };
}

const SIGNALING: RelayName[] = ['torrent', 'mqtt', 'nostr'];
try {
  const everything = await openMesh(relays.urls, true);
  const combined = await measureMesh(everything.pages);

  // One page at a time: the cost of a verification, not of four pages competing for two cores.
  const verifyCosts: number[] = [];
  for (const page of everything.pages) verifyCosts.push(await page.run((api, count) => api.verifyCost(count), 1_000));
  verifyCosts.sort((a, b) => a - b);

  const pipelineRates: number[] = [];
  for (const page of everything.pages) pipelineRates.push(await page.run((api, count) => api.pipelineRate(count, 3), BURST_PACKETS));
  pipelineRates.sort((a, b) => a - b);
  await Promise.all(everything.contexts.map((context) => context.close()));

  const alone: Partial<Record<RelayName, MeshFigures>> = {};
  for (const name of SIGNALING) {
    const mesh = await openMesh({ [name]: relays.urls[name] }, false);
    alone[name] = await measureMesh(mesh.pages);
    await Promise.all(mesh.contexts.map((context) => context.close()));
  }

  const result = {
    firstPeerMs: combined.firstPeerMs,
    firstPeerMaxMs: combined.firstPeerMaxMs,
    latencyP50Ms: combined.latencyP50Ms,
    latencyP95Ms: combined.latencyP95Ms,
    packetsPerSecond: combined.packetsPerSecond,
    everyPacketVerified: combined.everyPacketVerified && SIGNALING.every((name) => alone[name]!.everyPacketVerified),
    verifyUsPerPacket: round(quantile(verifyCosts, 0.5)),
    pipelinePacketsPerSecond: Math.round(quantile(pipelineRates, 0.5)),
    bySignaling: alone,
  };
  console.log(`network: 4 pages in 2 Chromium processes, local tracker + MQTT broker + nostr relay + BroadcastChannel, loopback`);
  // The figures are CPU-bound: say how busy the machine was.
  console.log(`  machine  ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} at the end of the run`);
  console.log(`  first WebRTC peer after load  median ${combined.firstPeerMs} ms, slowest page ${combined.firstPeerMaxMs} ms (mesh started ${combined.meshStartedMs} ms after navigation)`);
  console.log(`  one-way latency (${combined.latencySamples} samples)  p50 ${combined.latencyP50Ms} ms, p95 ${combined.latencyP95Ms} ms`);
  console.log(
    `  throughput, ${BURST_PACKETS} signed packets  ${combined.packetsPerSecond} packets/s at the slowest receiver, median of ${BURSTS} bursts (${combined.burstRates.join(', ')}; target ≥ 2000)`,
  );
  console.log(`  every packet verified  ${result.everyPacketVerified}`);
  console.log(`  signature verification  ${result.verifyUsPerPacket} µs/packet`);
  console.log(`  receive pipeline alone (1 page, 3 copies of each packet, no WebRTC)  ${result.pipelinePacketsPerSecond} packets/s`);
  console.log(`  each signaling network alone (same 4 pages, no BroadcastChannel), × torrent in this run:`);
  const torrent = alone.torrent!;
  const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;
  for (const name of SIGNALING) {
    const figures = alone[name]!;
    console.log(
      `    ${name.padEnd(8)} first peer ${figures.firstPeerMs} ms (${ratio(figures.firstPeerMs, torrent.firstPeerMs)}), slowest ${figures.firstPeerMaxMs} ms; ` +
        `latency p50 ${figures.latencyP50Ms} ms (${ratio(figures.latencyP50Ms, torrent.latencyP50Ms)}), p95 ${figures.latencyP95Ms} ms; ` +
        `${figures.packetsPerSecond} packets/s (${ratio(figures.packetsPerSecond, torrent.packetsPerSecond)}; bursts ${figures.burstRates.join(', ')})`,
    );
  }
  const libp2p = await benchLibp2p(browsers, fixture, { latencyPackets: LATENCY_PACKETS, burstPackets: BURST_PACKETS, bursts: BURSTS, limits: LIMITS });
  const vsTrystero = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}× trystero`;
  console.log(`libp2p: 4 pages in the same 2 Chromium processes, gossipsub over WebRTC through the local libp2p relay node, no BroadcastChannel`);
  console.log(`  first WebRTC peer after load  median ${libp2p.firstPeerMs} ms (${vsTrystero(libp2p.firstPeerMs, result.firstPeerMs)}), slowest page ${libp2p.firstPeerMaxMs} ms`);
  console.log(`  one-way latency (${LATENCY_PACKETS * 3} samples)  p50 ${libp2p.latencyP50Ms} ms (${vsTrystero(libp2p.latencyP50Ms, result.latencyP50Ms)}), p95 ${libp2p.latencyP95Ms} ms (${vsTrystero(libp2p.latencyP95Ms, result.latencyP95Ms)})`);
  console.log(`  throughput, ${BURST_PACKETS} signed packets  ${libp2p.packetsPerSecond} packets/s at the slowest receiver (${vsTrystero(libp2p.packetsPerSecond, result.packetsPerSecond)})`);
  console.log(`  every packet verified  ${libp2p.everyPacketVerified}`);
  console.log(`  machine load average ${loadavg()[0]!.toFixed(1)} at the end`);
  if (json) console.log(JSON.stringify({ ...result, libp2p }));
} finally {
  await Promise.all(browsers.map((browser) => browser.close()));
  await fixture.close();
  await relays.close();
}
