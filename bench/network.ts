/**
 * `npm run bench:network [-- --json] [-- --bursts N] [-- --combined-only]`: four mesh nodes in two
 * Chromium processes (two tabs each), joined over the local torrent tracker, MQTT broker and nostr
 * relay plus BroadcastChannel, all on loopback; beside them, in the same run, four more pages that send
 * every packet on every link of every transport (the mesh before it learned which node each link
 * reaches), their bursts taking turns with the first four's; then the same four pages over each
 * signaling network alone (no BroadcastChannel, so every packet crosses a WebRTC link that network
 * introduced), compared with torrent, the default one.
 *
 * - firstPeerMs: navigation to the first WebRTC link, median over the four pages (opened together);
 * - latencyP50Ms / latencyP95Ms: one-way time of a small signed packet (about a request, so sent once
 *   to each node), sender's send call to the receiver's delivery, over 200 packets from all four pages;
 * - packetsPerSecond: 1,000 such packets sent back to back by one page, received, verified and
 *   deduplicated by each other page, send call to last delivery; the slowest receiver's rate, median
 *   of the bursts (8 by default, from each page in turn; for the combined meshes after one untimed
 *   burst from every page);
 * - verifyUsPerPacket: signature verification as the mesh does it (WebCrypto Ed25519), per packet;
 * - pipelinePacketsPerSecond: the same 1,000 packets through one page's mesh with three in-memory
 *   copies of each: what the receive path costs without WebRTC and without three other pages
 *   competing for the cores.
 *
 * Then the same first peer, latency and throughput figures for the libp2p transport (four more pages,
 * gossipsub over WebRTC through the local libp2p relay node only; bench/network-libp2p.ts), with each
 * figure's ratio to trystero's from this run. `--combined-only` stops after the combined meshes.
 */
import { cpus, loadavg } from 'node:os';
import type { Browser, BrowserContext } from 'playwright-core';
import { startRelays, type RelayName } from '../tools/relay/relays.js';
import { launchChromium } from '../testkit/chromium.js';
import { parseCli } from '../testkit/cli.js';
import { burst, burstRates, firstLinks, latencies } from '../testkit/mesh-measure.js';
import { meshPageUrl, openMeshPage, serveMeshPages, waitForFullMesh, webrtcContext, type MeshPage } from '../testkit/mesh-pages.js';
import { benchLibp2p } from './network-libp2p.js';

const cli = parseCli(import.meta.url, {
  json: { type: 'boolean', default: false },
  bursts: { type: 'string', default: '8' },
  'combined-only': { type: 'boolean', default: false },
});
const { json, 'combined-only': combinedOnly } = cli.values;
const BURSTS = Number(cli.values.bursts);
if (!Number.isInteger(BURSTS) || BURSTS < 1) cli.fail(`--bursts ${cli.values.bursts}: a whole number of at least 1`);
const LATENCY_PACKETS = 200;
const BURST_PACKETS = 1_000;
// The bench measures the pipeline, not the flood protection.
const LIMITS = { rate: { burst: 100_000, perSecond: 100_000 } };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;

const relays = await startRelays();
const fixture = await serveMeshPages();
const browsers: Browser[] = await Promise.all([launchChromium({ webrtc: true }), launchChromium({ webrtc: true })]);

interface Opened {
  pages: MeshPage[];
  contexts: BrowserContext[];
}

interface LinkFigures {
  firstPeerMs: number;
  firstPeerMaxMs: number;
  /** Median time from navigation to the mesh script running. */
  meshStartedMs: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencySamples: number;
}

interface MeshFigures extends LinkFigures {
  packetsPerSecond: number;
  burstRates: number[];
  everyPacketVerified: boolean;
}

/** Four pages (two per browser process) on the given signaling networks, meshed. */
async function openMesh(relayUrls: Partial<Record<RelayName, string>>, broadcastChannel: boolean, everyLink = false): Promise<Opened> {
  const url = meshPageUrl({ origin: fixture.origin, relays: relayUrls, network: `bench-${Date.now()}`, limits: LIMITS, broadcastChannel });
  const contexts = await Promise.all(browsers.map((browser) => webrtcContext(browser)));
  const pageUrl = everyLink ? `${url}&everyLink=1` : url;
  const pages: MeshPage[] = await Promise.all(contexts.flatMap((context) => [openMeshPage(context, pageUrl), openMeshPage(context, pageUrl)]));
  return { pages, contexts };
}

/** First links and one-way latency of a freshly opened mesh, once it is whole and settled. */
async function measureLinks(pages: MeshPage[]): Promise<LinkFigures> {
  const { firstLinkMs, startedMs } = await firstLinks(pages);
  await waitForFullMesh(pages, 60_000);
  // Let the remaining links settle (and the hellos name them) so the measurements see the steady mesh.
  await sleep(1_000);
  const latency = await latencies(pages, LATENCY_PACKETS);
  const sortedLinks = [...firstLinkMs].sort((a, b) => a - b);
  return {
    firstPeerMs: round(quantile(sortedLinks, 0.5)),
    firstPeerMaxMs: round(sortedLinks[sortedLinks.length - 1]!),
    meshStartedMs: round(median(startedMs)),
    latencyP50Ms: round(quantile(latency, 0.5), 2),
    latencyP95Ms: round(quantile(latency, 0.95), 2),
    latencySamples: latency.length,
  };
}

/** First links, one-way latency and burst throughput of a freshly opened mesh. */
async function measureMesh(pages: MeshPage[]): Promise<MeshFigures> {
  const links = await measureLinks(pages);
  const { rates, everyPacketVerified } = await burstRates(pages, BURST_PACKETS, BURSTS);
  return { ...links, packetsPerSecond: Math.round(median(rates)), burstRates: rates.map(Math.round), everyPacketVerified };
}

/**
 * Bursts from two meshes taking turns (which goes first alternates), so that both see the same load
 * on the shared machine: the rates of each, in the order measured. First one untimed burst from every
 * page of each: the first bursts run slower while the pages' receive paths are being optimized.
 */
async function alternateBursts(meshes: [MeshPage[], MeshPage[]]): Promise<{ rates: [number[], number[]]; everyPacketVerified: boolean }> {
  const rates: [number[], number[]] = [[], []];
  let everyPacketVerified = true;
  for (const pages of meshes) for (const sender of pages) everyPacketVerified &&= (await burst(pages, sender, BURST_PACKETS)).everyPacketVerified;
  for (let round = 0; round < BURSTS; round++) {
    for (const which of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const pages = meshes[which]!;
      const result = await burst(pages, pages[round % pages.length]!, BURST_PACKETS);
      rates[which]!.push(result.rate);
      everyPacketVerified &&= result.everyPacketVerified;
    }
  }
  return { rates, everyPacketVerified };
}

const SIGNALING: RelayName[] = ['torrent', 'mqtt', 'nostr'];
try {
  const everything = await openMesh(relays.urls, true);
  const links = await measureLinks(everything.pages);
  const everyLinkMesh = await openMesh(relays.urls, true, true);
  const everyLinkLinks = await measureLinks(everyLinkMesh.pages);
  const bursts = await alternateBursts([everything.pages, everyLinkMesh.pages]);
  const [packetsPerSecond, everyLinkPacketsPerSecond] = bursts.rates.map((rates) => Math.round(median(rates))) as [number, number];
  await Promise.all(everyLinkMesh.contexts.map((context) => context.close()));

  // One page at a time: the cost of a verification, not of four pages competing for two cores.
  const verifyCosts: number[] = [];
  for (const page of everything.pages) verifyCosts.push(await page.run((api, count) => api.verifyCost(count), 1_000));
  const pipelineRates: number[] = [];
  for (const page of everything.pages) pipelineRates.push(await page.run((api, count) => api.pipelineRate(count, 3), BURST_PACKETS));
  await Promise.all(everything.contexts.map((context) => context.close()));

  const combined = {
    ...links,
    packetsPerSecond,
    everyPacketVerified: bursts.everyPacketVerified,
    verifyUsPerPacket: round(median(verifyCosts)),
    pipelinePacketsPerSecond: Math.round(median(pipelineRates)),
    everyLink: { latencyP50Ms: everyLinkLinks.latencyP50Ms, latencyP95Ms: everyLinkLinks.latencyP95Ms, packetsPerSecond: everyLinkPacketsPerSecond },
  };
  console.log(`network: 4 pages in 2 Chromium processes, local tracker + MQTT broker + nostr relay + BroadcastChannel, loopback`);
  // The figures are CPU-bound: say how busy the machine was.
  console.log(`  machine  ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} now`);
  console.log(`  first WebRTC peer after load  median ${links.firstPeerMs} ms, slowest page ${links.firstPeerMaxMs} ms (mesh started ${links.meshStartedMs} ms after navigation)`);
  console.log(
    `  one-way latency (${links.latencySamples} samples)  p50 ${links.latencyP50Ms} ms, p95 ${links.latencyP95Ms} ms ` +
      `(every link: p50 ${everyLinkLinks.latencyP50Ms} ms, p95 ${everyLinkLinks.latencyP95Ms} ms)`,
  );
  console.log(
    `  throughput, ${BURST_PACKETS} signed packets  ${packetsPerSecond} packets/s at the slowest receiver, median of ${BURSTS} bursts ` +
      `(${bursts.rates[0].map(Math.round).join(', ')}; target ≥ 2000)`,
  );
  console.log(
    `  same, every packet on every link (4 more pages, bursts taking turns)  ${everyLinkPacketsPerSecond} packets/s ` +
      `(${bursts.rates[1].map(Math.round).join(', ')}); once per node ${ratio(packetsPerSecond, everyLinkPacketsPerSecond)} that`,
  );
  console.log(`  every packet verified  ${combined.everyPacketVerified}`);
  console.log(`  signature verification  ${combined.verifyUsPerPacket} µs/packet`);
  console.log(`  receive pipeline alone (1 page, 3 copies of each packet, no WebRTC)  ${combined.pipelinePacketsPerSecond} packets/s`);
  if (combinedOnly) {
    if (json) console.log(JSON.stringify(combined));
  } else {
    const alone: Partial<Record<RelayName, MeshFigures>> = {};
    for (const name of SIGNALING) {
      const mesh = await openMesh({ [name]: relays.urls[name] }, false);
      alone[name] = await measureMesh(mesh.pages);
      await Promise.all(mesh.contexts.map((context) => context.close()));
    }
    console.log(`  each signaling network alone (same 4 pages, no BroadcastChannel), × torrent in this run:`);
    const torrent = alone.torrent!;
    for (const name of SIGNALING) {
      const figures = alone[name]!;
      console.log(
        `    ${name.padEnd(8)} first peer ${figures.firstPeerMs} ms (${ratio(figures.firstPeerMs, torrent.firstPeerMs)}), slowest ${figures.firstPeerMaxMs} ms; ` +
          `latency p50 ${figures.latencyP50Ms} ms (${ratio(figures.latencyP50Ms, torrent.latencyP50Ms)}), p95 ${figures.latencyP95Ms} ms; ` +
          `${figures.packetsPerSecond} packets/s (${ratio(figures.packetsPerSecond, torrent.packetsPerSecond)}; bursts ${figures.burstRates.join(', ')})`,
      );
    }
    console.log(`  every packet verified, each network alone  ${SIGNALING.every((name) => alone[name]!.everyPacketVerified)}`);
    const libp2p = await benchLibp2p(browsers, fixture, { latencyPackets: LATENCY_PACKETS, burstPackets: BURST_PACKETS, bursts: BURSTS, limits: LIMITS });
    const vsTrystero = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}× trystero`;
    console.log(`libp2p: 4 pages in the same 2 Chromium processes, gossipsub over WebRTC through the local libp2p relay node, no BroadcastChannel`);
    console.log(`  first WebRTC peer after load  median ${libp2p.firstPeerMs} ms (${vsTrystero(libp2p.firstPeerMs, links.firstPeerMs)}), slowest page ${libp2p.firstPeerMaxMs} ms`);
    console.log(
      `  one-way latency (${LATENCY_PACKETS * 3} samples)  p50 ${libp2p.latencyP50Ms} ms (${vsTrystero(libp2p.latencyP50Ms, links.latencyP50Ms)}), ` +
        `p95 ${libp2p.latencyP95Ms} ms (${vsTrystero(libp2p.latencyP95Ms, links.latencyP95Ms)})`,
    );
    console.log(`  throughput, ${BURST_PACKETS} signed packets  ${libp2p.packetsPerSecond} packets/s at the slowest receiver (${vsTrystero(libp2p.packetsPerSecond, packetsPerSecond)})`);
    console.log(`  every packet verified  ${libp2p.everyPacketVerified}`);
    console.log(`  machine load average ${loadavg()[0]!.toFixed(1)} at the end`);
    if (json) console.log(JSON.stringify({ ...combined, bySignaling: alone, libp2p }));
  }
} finally {
  await Promise.all(browsers.map((browser) => browser.close()));
  await fixture.close();
  await relays.close();
}
