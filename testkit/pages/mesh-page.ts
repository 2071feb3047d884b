// A bare node for the network's browser tests and benchmark: a mesh over the signaling networks and
// BroadcastChannel, configured from the query string, driven from Node through window.rakisMesh.
// A MeshHarness, so the hostile calls can send raw (forged, oversized, garbage) bytes.
import { createIdentity, encodePacket, packetId, sha256Hex, signPacket, utf8ToBytes, verifyPacketAsync, type Packet } from '../../src/protocol/index.js';
import { MemoryBus, Mesh, networkTransports, type MeshOptions, type SignalingStrategy } from '../../src/network/index.js';
import { MeshHarness } from '../mesh-harness.js';
import type { MeshPageApi } from './mesh-page-api.js';

const params = new URLSearchParams(location.search);
const relayUrls: Partial<Record<SignalingStrategy, string[]>> = {};
for (const strategy of ['torrent', 'mqtt', 'nostr'] as const) {
  const url = params.get(strategy);
  if (url) relayUrls[strategy] = [url];
}
const strategies = Object.keys(relayUrls) as SignalingStrategy[];
// The libp2p transport through this relay node, with at most `maxPeers` links per page.
const libp2pRelay = params.get('libp2p');
const maxPeers = params.get('maxPeers');
const meshDegree = params.get('meshDegree');
const limits = JSON.parse(params.get('limits') ?? '{}') as MeshOptions['limits'];

const identity = createIdentity();
const mesh = new MeshHarness({
  identity,
  transports: networkTransports({
    network: params.get('network') ?? 'rakis-test',
    strategies,
    relayUrls,
    // broadcast=0: pages of one browser context reach each other only through the signaling networks.
    broadcastChannel: params.get('broadcast') !== '0',
    // Loopback only: no STUN servers to wait for.
    rtcConfig: { iceServers: [] },
    ...(libp2pRelay && { libp2p: { relayUrls: [libp2pRelay], ...(maxPeers && { maxPeers: Number(maxPeers) }), ...(meshDegree && { meshDegree: Number(meshDegree) }) } }),
  }),
  presence: () => ({ role: 'observer', models: [], embeddingModels: [], tokensServed: 0, client: 'mesh-fixture' }),
  ...(limits && { limits }),
  // everyLink=1: every packet on every link of every transport, as before links were named (bench:network's baseline).
  ...(params.get('everyLink') === '1' && { everyLink: true }),
});

const now = () => performance.timeOrigin + performance.now();
const deliveries = new Map<string, { count: number; at: number }>();
const tags: { from: string; tag: string }[] = [];
mesh.onPacket((packet, { id }) => {
  const seen = deliveries.get(id);
  if (seen) seen.count++;
  else deliveries.set(id, { count: 1, at: now() });
  if (packet.body.type === 'status') tags.push({ from: packet.from, tag: packet.body.client });
});

let firstLinkMs: number | undefined;
const watchLinks = setInterval(() => {
  if (mesh.health().some((health) => health.transport !== 'broadcast' && health.peers > 0)) {
    firstLinkMs = performance.now();
    clearInterval(watchLinks);
  }
}, 5);

const tagged = (tag: string, createdAt = Date.now()): Packet =>
  signPacket(identity, { type: 'status', role: 'observer', models: [], embeddingModels: [], tokensServed: 0, client: tag }, createdAt);
// What most traffic is (packets about requests, sent once to each node), unlike status announcements (on every link): a decline naming the tag's hash.
const bulk = (tag: string): Packet => signPacket(identity, { type: 'decline', requestId: sha256Hex(utf8ToBytes(tag)), reason: 'queue-full' }, Date.now());

const api: MeshPageApi = {
  synthientId: identity.synthientId,
  info: () => ({ synthientId: identity.synthientId, peers: mesh.peers(), health: mesh.health(), stats: mesh.stats(), startedMs, firstLinkMs }),
  publish(tag) {
    const packet = bulk(tag);
    const sentAt = now();
    mesh.send(packet);
    return { id: packetId(packet), sentAt };
  },
  publishBurst(count) {
    const packets = Array.from({ length: count }, (_, i) => bulk(`burst-${i}`));
    const sentAt = now();
    for (const packet of packets) mesh.send(packet);
    return { ids: packets.map((packet) => packetId(packet)), sentAt };
  },
  deliveries: (ids) => ids.map((id) => ({ id, count: deliveries.get(id)?.count ?? 0, at: deliveries.get(id)?.at })),
  whenDelivered: (ids, timeoutMs) =>
    new Promise((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      const check = () => {
        const arrivals = ids.map((id) => deliveries.get(id)?.at);
        if (arrivals.every((at) => at !== undefined)) return resolve(Math.max(...(arrivals as number[])));
        if (performance.now() > deadline) return reject(new Error(`${arrivals.filter((at) => at === undefined).length} packets missing`));
        setTimeout(check, 5);
      };
      check();
    }),
  tags: () => [...tags],
  async pipelineRate(count, copies) {
    const buses = Array.from({ length: copies }, () => new MemoryBus());
    const unlimited = { rate: { burst: count, perSecond: count } };
    const sender = new Mesh({ identity: createIdentity(), transports: buses.map((bus) => bus.transport()), limits: unlimited });
    const receiver = new Mesh({ identity: createIdentity(), transports: buses.map((bus) => bus.transport()), limits: unlimited });
    sender.start();
    receiver.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const packets = Array.from({ length: count }, (_, i) => bulk(`pipeline-${i}`));
    let delivered = 0;
    const all = new Promise<void>((resolve) => receiver.onPacket(() => ++delivered === count && resolve()));
    const start = performance.now();
    for (const packet of packets) sender.send(packet);
    await all;
    const elapsed = performance.now() - start;
    await Promise.all([sender.close(), receiver.close()]);
    return count / (elapsed / 1000);
  },
  async verifyCost(count) {
    const packets = Array.from({ length: count }, (_, i) => tagged(`verify-${i}`));
    await verifyPacketAsync(packets[0]!);
    const start = performance.now();
    const results = await Promise.all(packets.map((packet) => verifyPacketAsync(packet)));
    const elapsed = performance.now() - start;
    if (!results.every(Boolean)) throw new Error('a genuine packet failed verification');
    return (elapsed * 1000) / count;
  },
  hostile: {
    forgeSignature(tag) {
      const packet = tagged(tag);
      const sig = (packet.sig.startsWith('0') ? '1' : '0') + packet.sig.slice(1);
      mesh.sendBytes(encodePacket({ ...packet, sig }));
    },
    impersonate(victim, tag) {
      mesh.sendBytes(encodePacket({ ...tagged(tag), from: victim }));
    },
    oversize() {
      const models = Array.from({ length: 20_000 }, (_, i) => `model-${i}`);
      const packet = signPacket(identity, { type: 'status', role: 'worker', models, embeddingModels: [], tokensServed: 0, client: 'oversize' }, Date.now());
      mesh.sendBytes(encodePacket(packet));
    },
    garbage() {
      mesh.sendBytes(new TextEncoder().encode('this is not a packet'));
    },
    flood(count, tag) {
      for (let i = 0; i < count; i++) mesh.send(tagged(`${tag}-${i}`));
    },
  },
};
window.rakisMesh = api;
const startedMs = performance.now();
mesh.start();
