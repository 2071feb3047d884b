import { afterEach, describe, expect, test } from 'vitest';
import { createIdentity, encodePacket, signPacket, type Identity, type Packet, type PeerStatusFields } from '../../src/protocol/index.js';
import { MemoryBus, Mesh } from '../../src/network/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { MeshHarness, settleMeshes, type MeshHarnessOptions } from '../../testkit/mesh-harness.js';
import { FRAME_MARKER, decodeFrame, encodeFrame, packFrames } from '../../src/network/frame.js';

const presence = (models: string[] = ['tiny-llm']): PeerStatusFields => ({
  role: 'worker',
  models,
  embeddingModels: ['tiny-embed'],
  tokensServed: 7,
  client: 'test/1',
});

const meshes: MeshHarness[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((mesh) => mesh.close()));
});

const settle = () => settleMeshes(meshes);

function meshOn(clock: ManualClock, buses: MemoryBus[], options: Partial<MeshHarnessOptions> = {}) {
  const identity = options.identity ?? createIdentity();
  const mesh = new MeshHarness({
    identity,
    transports: buses.map((bus, i) => bus.transport(`bus${i}`)),
    scheduler: clock,
    ...options,
  });
  meshes.push(mesh);
  const received: Packet[] = [];
  mesh.onPacket((packet) => received.push(packet));
  mesh.start();
  return { mesh, identity, received };
}

const status = (tokensServed = 1) => ({ type: 'status' as const, ...presence(), tokensServed });

describe('Mesh over the in-memory bus', () => {
  test('a packet sent over two transports reaches every other mesh exactly once', async () => {
    const clock = new ManualClock();
    const buses = [new MemoryBus({ scheduler: clock }), new MemoryBus({ scheduler: clock })];
    const nodes = [meshOn(clock, buses), meshOn(clock, buses), meshOn(clock, buses)];
    await settle();
    const packet = nodes[0]!.mesh.publish(status());
    await settle();
    expect(nodes[0]!.received).toEqual([]);
    for (const node of nodes.slice(1)) {
      expect(node.received).toEqual([packet]);
      expect(node.mesh.stats()).toMatchObject({ received: 2, accepted: 1, verified: 1, drops: { duplicate: 1 } });
    }
  });

  test('a replayed packet is dropped as a duplicate, and remembered within bounded memory', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, [bus], { limits: { dedupWindowMs: 60_000, dedupMaxIds: 50 } });
    const attacker = meshOn(clock, [bus]);
    await settle();
    const bytes = encodePacket(signPacket(attacker.identity, status(), clock.now()));
    attacker.mesh.sendBytes(bytes);
    attacker.mesh.sendBytes(bytes);
    await settle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.mesh.stats().drops).toEqual({ duplicate: 1 });
    // Far more distinct packets than the dedup memory holds: it forgets the oldest, never grows past the bound.
    for (let i = 0; i < 200; i++) attacker.mesh.publish(status(i + 100));
    await settle();
    expect(receiver.received).toHaveLength(201);
    expect((receiver.mesh as unknown as { seen: { count: number } }).seen.count).toBeLessThanOrEqual(50);
  });

  test('a packet over the size cap is dropped before its signature is checked', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, [bus], { limits: { maxPacketBytes: 1024 } });
    const sender = meshOn(clock, [bus]);
    await settle();
    sender.mesh.publish({ ...status(), client: 'x'.repeat(60) });
    sender.mesh.sendBytes(new Uint8Array(4096).fill(0x20));
    await settle();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.mesh.stats()).toMatchObject({ verified: 1, drops: { 'too-large': 1 } });
  });

  test('forged signatures and garbage are dropped and counted; a forged copy does not shadow the real packet', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, [bus]);
    const victim = createIdentity();
    const attacker = meshOn(clock, [bus]);
    await settle();
    const real = signPacket(victim, status(), clock.now());
    const forgedSig = (real.sig.startsWith('0') ? '1' : '0') + real.sig.slice(1);
    attacker.mesh.sendBytes(encodePacket({ ...real, sig: forgedSig }));
    await settle();
    // The same forgery again, byte for byte, and re-encoded with other spacing.
    attacker.mesh.sendBytes(encodePacket({ ...real, sig: forgedSig }));
    attacker.mesh.sendBytes(new TextEncoder().encode(JSON.stringify({ ...real, sig: forgedSig }, null, 1)));
    attacker.mesh.sendBytes(encodePacket(real));
    attacker.mesh.sendBytes(encodePacket(signPacket(attacker.identity, status(), clock.now() + 3_600_000)));
    attacker.mesh.sendBytes(new TextEncoder().encode('{"not":"a packet"}'));
    attacker.mesh.sendBytes(new TextEncoder().encode('hello'));
    attacker.mesh.sendBytes(new Uint8Array([0xff, 0xfe, 0xfd]));
    await settle();
    expect(receiver.received).toEqual([real]);
    // Neither later copy of the forgery has its signature checked again.
    expect(receiver.mesh.stats().verified).toBe(2);
    expect(receiver.mesh.stats().drops).toEqual({
      duplicate: 1,
      'bad-signature': 2,
      future: 1,
      'bad-envelope': 1,
      'not-json': 1,
      'not-utf8': 1,
    });
    expect(receiver.mesh.peers().map((peer) => peer.synthientId)).toEqual([victim.synthientId]);
  });

  test('forgeries claiming a victim cost their link, never the victim: its budget is charged only after a signature verifies', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const rate = { burst: 10, perSecond: 5, strikes: 20, banMs: 30_000 };
    const linkRate = { burst: 50, perSecond: 10, strikes: 100, banMs: 30_000 };
    const receiver = meshOn(clock, [bus], { limits: { rate, linkRate } });
    const victim = meshOn(clock, [bus]);
    const forger = meshOn(clock, [bus]);
    await settle();
    const real = signPacket(victim.identity, status(), clock.now());
    for (let i = 0; i < 700; i++) {
      const forged = signPacket(forger.identity, status(i), clock.now());
      forger.mesh.sendBytes(encodePacket({ ...forged, from: victim.identity.synthientId }));
    }
    await settle();
    const drops = receiver.mesh.stats().drops;
    // At most the link's burst is checked; the rest are refused unread (link-limited, or link-muted once the forgeries mute the link).
    expect(drops['bad-signature']).toBeLessThanOrEqual(50);
    expect(drops['bad-signature']! + (drops['link-limited'] ?? 0) + (drops['link-muted'] ?? 0)).toBe(700);
    expect(drops['rate-limited'] ?? 0).toBe(0);
    expect(drops.banned ?? 0).toBe(0);
    victim.mesh.send(real);
    await settle();
    expect(receiver.received.filter((packet) => packet.from === victim.identity.synthientId && packet.body.type === 'status').map((packet) => packet.sig)).toContain(real.sig);
  });

  test('a flooding sender is throttled, then ignored for a while; others are unaffected', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const rate = { burst: 10, perSecond: 5, strikes: 20, banMs: 30_000 };
    const receiver = meshOn(clock, [bus], { limits: { rate } });
    const flooder = meshOn(clock, [bus]);
    const honest = meshOn(clock, [bus]);
    await settle();
    for (let i = 0; i < 40; i++) flooder.mesh.publish(status(i));
    honest.mesh.publish(status());
    await settle();
    // Counting status packets only: the flooder also gossips known peers once it hears the others.
    const fromFlooder = () =>
      receiver.received.filter((packet) => packet.from === flooder.identity.synthientId && packet.body.type === 'status').length;
    expect(fromFlooder()).toBe(10);
    expect(receiver.received.filter((packet) => packet.from === honest.identity.synthientId)).toHaveLength(1);
    expect(receiver.mesh.stats().drops).toEqual({ 'rate-limited': 20, banned: 10 });
    // Banned: even after its bucket would have refilled.
    clock.advance(10_000);
    flooder.mesh.publish(status(1000));
    await settle();
    expect(fromFlooder()).toBe(10);
    expect(receiver.mesh.stats().drops.banned).toBeGreaterThan(10);
    clock.advance(20_001);
    flooder.mesh.publish(status(1001));
    await settle();
    expect(fromFlooder()).toBe(11);
  });

  test('a throttled packet sent again once the sender has tokens is accepted', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, [bus], { limits: { rate: { burst: 1, perSecond: 1, strikes: 100 } } });
    const sender = meshOn(clock, [bus]);
    await settle();
    const second = encodePacket(signPacket(sender.identity, status(2), clock.now()));
    sender.mesh.publish(status(1));
    sender.mesh.sendBytes(second);
    await settle();
    expect(receiver.received).toHaveLength(1);
    clock.advance(1_000);
    sender.mesh.sendBytes(second);
    await settle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.mesh.stats().drops).toEqual({ 'rate-limited': 1 });
  });

  test('hello fills the peer table, status keeps a peer alive, silence makes it expire', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const limits = { peerTimeoutMs: 10_000, statusIntervalMs: 4_000 };
    const observer = meshOn(clock, [bus], { limits });
    const worker = meshOn(clock, [bus], { limits, presence: () => presence(['llama-tiny']) });
    await settle();
    clock.advance(300);
    await settle();
    expect(observer.received.map((packet) => packet.body.type)).toEqual(['hello']);
    expect(observer.mesh.peers()).toEqual([
      expect.objectContaining({
        synthientId: worker.identity.synthientId,
        transports: ['bus0'],
        role: 'worker',
        models: ['llama-tiny'],
        tokensServed: 7,
      }),
    ]);
    // Status every 4 s keeps it well inside the 10 s timeout.
    for (let i = 0; i < 6; i++) {
      clock.advance(5_000);
      await settle();
    }
    expect(observer.mesh.peers()).toHaveLength(1);
    const leaves: number[] = [];
    observer.mesh.onPeersChange((change) => leaves.push(change.peers().length));
    await worker.mesh.close();
    clock.advance(12_000);
    await settle();
    expect(observer.mesh.peers()).toEqual([]);
    expect(leaves).toEqual([0]);
  });

  test('a joining node learns of nodes it cannot reach from the known-peers gossip', async () => {
    const clock = new ManualClock();
    const left = new MemoryBus({ scheduler: clock });
    const right = new MemoryBus({ scheduler: clock });
    const a = meshOn(clock, [left], { presence: () => presence() });
    const bridge = meshOn(clock, [left, right], { presence: () => presence() });
    await settle();
    clock.advance(1_000);
    await settle();
    const c = meshOn(clock, [right], { presence: () => presence(['only-on-c']) });
    // Links appear, hellos go out, the bridge hears c and gossips what it knows (at most every 10 s).
    for (let i = 0; i < 4; i++) {
      await settle();
      clock.advance(4_000);
    }
    await settle();
    expect(a.mesh.peers().map((peer) => peer.synthientId)).toEqual([bridge.identity.synthientId]);
    expect(c.mesh.knownPeers().map((peer) => peer.synthientId)).toContain(a.identity.synthientId);
    expect(a.mesh.knownPeers().map((peer) => peer.synthientId)).toContain(c.identity.synthientId);
  });

  // Every node answering the newcomers it heard made a wave of joins cost each node one known-peers
  // packet from every other node; the few nodes that rank lowest this period answer for everyone.
  test('forty nodes joining at once draw about eight known-peers packets, and every node knows the rest', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock, latencyMs: 20 });
    const nodes = Array.from({ length: 40 }, () => meshOn(clock, [bus], { presence: () => presence() }));
    for (let i = 0; i < 10; i++) {
      await settle();
      clock.advance(200);
    }
    await settle();
    const gossip = nodes[0]!.received.filter((packet) => packet.body.type === 'knownPeers');
    const gossipers = new Set(gossip.map((packet) => packet.from));
    expect(gossipers.size).toBeGreaterThan(0);
    expect(gossipers.size).toBeLessThanOrEqual(9);
    for (const { mesh } of nodes) expect(mesh.peers()).toHaveLength(39);
  });

  test('latency and loss options shape delivery', async () => {
    const clock = new ManualClock();
    let draw = 0;
    const bus = new MemoryBus({ scheduler: clock, latencyMs: 50, lossRate: 0.5, random: () => (draw++ % 2 === 0 ? 0.9 : 0.1) });
    const receiver = meshOn(clock, [bus]);
    const sender = meshOn(clock, [bus]);
    await settle();
    // Separate ticks, so they travel as separate messages (one tick's packets share a frame).
    sender.mesh.publish(status(1));
    await settle();
    sender.mesh.publish(status(2));
    await settle();
    expect(receiver.received).toEqual([]);
    clock.advance(50);
    await settle();
    expect(receiver.received.map((packet) => packet.body.type === 'status' && packet.body.tokensServed)).toEqual([1]);
  });
});

describe('frames', () => {
  test('packets sent in one tick travel in one frame and are judged one by one', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, [bus]);
    const sender = meshOn(clock, [bus]);
    await settle();
    const good = [signPacket(sender.identity, status(1), clock.now()), signPacket(sender.identity, status(2), clock.now())];
    const forged = { ...good[0]!, body: status(3) };
    sender.mesh.sendBytes(encodePacket(good[0]!));
    sender.mesh.sendBytes(encodePacket(forged));
    sender.mesh.sendBytes(encodePacket(good[1]!));
    await settle();
    expect(sender.mesh.health()[0]!.sent).toBe(1);
    // Verifications may complete in any order.
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received).toEqual(expect.arrayContaining(good));
    expect(receiver.mesh.stats()).toMatchObject({ received: 3, drops: { 'bad-signature': 1 } });
  });

  test('malformed frames are dropped whole', () => {
    const one = new TextEncoder().encode('{}');
    expect(decodeFrame(encodeFrame([one, one]))).toEqual([one, one]);
    const truncated = encodeFrame([one, one]).subarray(0, 8);
    expect(decodeFrame(truncated)).toBeUndefined();
    expect(decodeFrame(new Uint8Array([FRAME_MARKER, 0, 0, 0, 0]))).toBeUndefined();
    expect(decodeFrame(new Uint8Array([FRAME_MARKER]))).toBeUndefined();
    expect(packFrames([one, one, one], 12).map((message) => message.length)).toEqual([13, 2]);
  });
});

describe('transport restarts', () => {
  test('a failed transport is reopened with exponential backoff while the other keeps delivering', async () => {
    const clock = new ManualClock();
    const flaky = new MemoryBus({ scheduler: clock });
    const steady = new MemoryBus({ scheduler: clock });
    const limits = { restart: { baseDelayMs: 1_000, maxDelayMs: 8_000 } };
    const a = meshOn(clock, [flaky, steady], { limits });
    const b = meshOn(clock, [flaky, steady], { limits });
    await settle();
    flaky.down();
    await settle();
    const flakyHealth = () => a.mesh.health().find((health) => health.transport === 'bus0')!;
    expect(flakyHealth()).toMatchObject({ state: 'waiting', lastError: 'bus is down', retryAt: clock.now() + 1_000, restarts: 0 });
    a.mesh.publish(status());
    await settle();
    expect(b.received).toHaveLength(1);
    // Each failed reopen doubles the wait: 1 s, 2 s, 4 s, then capped at 8 s.
    const waits: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const { retryAt } = flakyHealth();
      waits.push(retryAt! - clock.now());
      clock.advance(retryAt! - clock.now());
      await settle();
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    flaky.up();
    clock.advance(flakyHealth().retryAt! - clock.now());
    await settle();
    expect(flakyHealth()).toMatchObject({ state: 'live', restarts: 6 });
    // b reopens too; once both are back, the flaky bus carries packets again and the backoff has reset.
    clock.advance(8_000);
    await settle();
    expect(flakyHealth().peers).toBe(1);
    const before = b.mesh.health()[0]!.received;
    a.mesh.publish(status(2));
    await settle();
    expect(b.mesh.health()[0]!.received).toBe(before + 1);
  });

  test('a transport that loses every peer is restarted after the grace period', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const a = meshOn(clock, [bus], { limits: { restart: { peerLossGraceMs: 5_000, baseDelayMs: 1_000 } } });
    const b = meshOn(clock, [bus]);
    await settle();
    expect(a.mesh.health()[0]).toMatchObject({ state: 'live', peers: 1 });
    await b.mesh.close();
    clock.advance(4_999);
    expect(a.mesh.health()[0]).toMatchObject({ state: 'live', peers: 0 });
    clock.advance(1);
    expect(a.mesh.health()[0]).toMatchObject({ state: 'waiting', lastError: 'lost all peers' });
    clock.advance(1_000);
    await settle();
    expect(a.mesh.health()[0]).toMatchObject({ state: 'live', restarts: 1 });
  });
});

describe('identity', () => {
  test('the mesh signs as its identity', () => {
    const identity: Identity = createIdentity();
    const mesh = new Mesh({ identity, transports: [], scheduler: new ManualClock() });
    expect(mesh.publish(status()).from).toBe(identity.synthientId);
  });
});
