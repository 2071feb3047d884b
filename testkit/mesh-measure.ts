import type { MeshPage } from './mesh-pages.js';
import { waitFor } from './wait-for.js';

/**
 * What bench:network measures on a set of mesh pages, whatever transport links them (see
 * bench/network.ts for the definitions).
 */

/** Each page's time from navigation to its first link on a transport other than BroadcastChannel. */
export async function firstLinks(pages: MeshPage[], timeoutMs = 60_000): Promise<{ firstLinkMs: number[]; startedMs: number[] }> {
  const infos = await waitFor(
    'every page to get a WebRTC link',
    async () => {
      const all = await Promise.all(pages.map((page) => page.info()));
      return all.every((info) => info.firstLinkMs !== undefined) && all;
    },
    timeoutMs,
  );
  return { firstLinkMs: infos.map((info) => info.firstLinkMs!), startedMs: infos.map((info) => info.startedMs) };
}

/** One-way times (ms) of `count` small signed packets, each page sending in turn, to every other page's first delivery. */
export async function latencies(pages: MeshPage[], count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const sender = pages[i % pages.length]!;
    const receivers = pages.filter((page) => page !== sender);
    const { id, sentAt } = await sender.run((api, tag) => api.publish(tag), `latency-${i}`);
    const arrivals = await waitFor(
      'a latency probe to arrive everywhere',
      async () => {
        const seen = await Promise.all(receivers.map(async (page) => (await page.run((api, ids) => api.deliveries(ids), [id]))[0]!.at));
        return seen.every((at) => at !== undefined) && (seen as number[]);
      },
      10_000,
      2,
    );
    for (const at of arrivals) samples.push(at - sentAt);
  }
  return samples.sort((a, b) => a - b);
}

/**
 * One burst of `count` signed packets sent back to back by `sender`: its rate at the slowest other
 * page (packets/s, send call to last delivery), and whether every packet was delivered exactly once
 * and verified everywhere.
 */
export async function burst(pages: MeshPage[], sender: MeshPage, count: number): Promise<{ rate: number; everyPacketVerified: boolean }> {
  const receivers = pages.filter((page) => page !== sender);
  const before = await Promise.all(receivers.map((page) => page.info()));
  const { ids, sentAt } = await sender.run((api, n) => api.publishBurst(n), count);
  const lastArrivals = await Promise.all(receivers.map((page) => page.run((api, wanted) => api.whenDelivered(wanted, 60_000), ids)));
  const rate = Math.min(...lastArrivals.map((lastAt) => count / ((lastAt - sentAt) / 1000)));
  const after = await Promise.all(receivers.map((page) => page.info()));
  const deliveries = await Promise.all(receivers.map((page) => page.run((api, wanted) => api.deliveries(wanted), ids)));
  const everyPacketVerified =
    deliveries.every((got) => got.every((delivery) => delivery.count === 1)) &&
    after.every((info, i) => info.stats.verified - before[i]!.stats.verified >= count && info.stats.accepted - before[i]!.stats.accepted >= count);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { rate, everyPacketVerified };
}

/** `bursts` bursts (see `burst`), one per sender in turn: their rates, sorted, and whether every packet was verified. */
export async function burstRates(pages: MeshPage[], count: number, bursts: number): Promise<{ rates: number[]; everyPacketVerified: boolean }> {
  const rates: number[] = [];
  let everyPacketVerified = true;
  for (let i = 0; i < bursts; i++) {
    const result = await burst(pages, pages[i % pages.length]!, count);
    rates.push(result.rate);
    everyPacketVerified &&= result.everyPacketVerified;
  }
  return { rates: rates.sort((a, b) => a - b), everyPacketVerified };
}
