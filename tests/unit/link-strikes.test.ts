import { afterEach, describe, expect, test } from 'vitest';
import { createIdentity, encodePacket, signPacket, utf8ToBytes, type Packet } from '../../src/protocol/index.js';
import { MemoryBus, type TransportFactory } from '../../src/network/index.js';
import { Intake } from '../../src/network/intake.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { MeshHarness, settleMeshes } from '../../testkit/mesh-harness.js';

const meshes: MeshHarness[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((mesh) => mesh.close()));
});

function meshOn(clock: ManualClock, transport: TransportFactory) {
  const mesh = new MeshHarness({ identity: createIdentity(), transports: [transport], scheduler: clock });
  meshes.push(mesh);
  const received: Packet[] = [];
  mesh.onPacket((packet) => received.push(packet));
  mesh.start();
  return { mesh, received };
}

const settle = () => settleMeshes(meshes);

const status = (tokensServed: number) => ({ type: 'status' as const, role: 'worker' as const, models: ['m'], embeddingModels: ['e'], tokensServed, client: 'test/1' });

/** `count` packets under the sender's id with signatures that fail, sent in one burst. */
function forge(sender: MeshHarness, clock: ManualClock, count: number): void {
  for (let i = 0; i < count; i++) {
    const packet = signPacket(createIdentity(), status(i), clock.now());
    sender.sendBytes(encodePacket({ ...packet, from: sender.synthientId }));
  }
}

describe('a link whose peer sends forgeries or junk is muted', () => {
  test('a burst of forgeries is checked only until the link is muted; its later packets go unread for a minute, other links are heard', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, bus.transport());
    const forger = meshOn(clock, bus.transport());
    const honest = meshOn(clock, bus.transport());
    await settle();
    forge(forger.mesh, clock, 600);
    await settle();
    const drops = receiver.mesh.stats().drops;
    // 16 strikes, plus what was already being checked (the link's window of 32).
    expect(drops['bad-signature']).toBeGreaterThanOrEqual(16);
    expect(drops['bad-signature']).toBeLessThan(16 + 32);
    expect(drops['bad-signature']! + drops['link-muted']!).toBe(600);

    forger.mesh.publish(status(1));
    honest.mesh.publish(status(2));
    await settle();
    expect(receiver.received.filter((packet) => packet.body.type === 'status').map((packet) => packet.from)).toEqual([honest.mesh.synthientId]);
    expect(receiver.mesh.stats().drops['link-muted']).toBe(600 - drops['bad-signature']! + 1);

    clock.advance(60_001);
    forger.mesh.publish(status(3));
    await settle();
    expect(receiver.received.filter((packet) => packet.from === forger.mesh.synthientId && packet.body.type === 'status')).toHaveLength(1);
  });

  test('bytes that are no packet count as offences; a newer version or a wrong body does not', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const receiver = meshOn(clock, bus.transport());
    const newer = meshOn(clock, bus.transport());
    const junk = meshOn(clock, bus.transport());
    await settle();
    for (let i = 0; i < 40; i++) {
      newer.mesh.sendBytes(encodePacket({ ...signPacket(createIdentity(), status(i), clock.now()), v: 2 } as unknown as Packet));
      newer.mesh.sendBytes(encodePacket(signPacket(createIdentity(), { type: 'fromTheFuture', n: i } as never, clock.now())));
    }
    for (let i = 0; i < 40; i++) junk.mesh.sendBytes(new Uint8Array([0xff, 0xfe, i]));
    await settle();
    const drops = receiver.mesh.stats().drops;
    expect(drops['unsupported-version']).toBe(40);
    expect(drops['bad-body']).toBe(40);
    expect(drops['not-utf8']).toBe(16);
    expect(drops['link-muted']).toBe(24);
    newer.mesh.publish(status(1));
    await settle();
    expect(receiver.received.some((packet) => packet.from === newer.mesh.synthientId && packet.body.type === 'status')).toBe(true);
  });

  test('links that carry others’ packets (a relay, a shared channel) are never muted', async () => {
    const clock = new ManualClock();
    const bus = new MemoryBus({ scheduler: clock });
    const shared = (): TransportFactory => ({ name: 'shared', open: () => bus.transport('shared').open() });
    const receiver = meshOn(clock, shared());
    const forger = meshOn(clock, shared());
    await settle();
    forge(forger.mesh, clock, 200);
    await settle();
    expect(receiver.mesh.stats().drops).toEqual({ 'bad-signature': 200 });
  });

  test('strikes are kept for a bounded number of links, the least recently offending forgotten first', () => {
    let now = 0;
    const refused: string[] = [];
    const limits = { maxPacketBytes: 1024, maxFrameBytes: 4096, linkStrikes: { strikes: 2, muteMs: 1_000, maxLinks: 2 } };
    const intake = new Intake(limits, new Set(['t']), () => now, { packet: async () => {}, refuse: (reason) => void refused.push(reason) });
    intake.offend('t', 'a');
    intake.offend('t', 'b');
    intake.offend('t', 'c');
    intake.offend('t', 'a');
    intake.offend('t', 'c');
    now = 1;
    expect(intake.muted('t', 'a')).toBe(false);
    expect(intake.muted('t', 'c')).toBe(true);
    intake.receive(new Uint8Array([0x7b]), 't', 'c');
    expect(refused).toEqual(['link-muted']);
    now = 1_000;
    expect(intake.muted('t', 'c')).toBe(false);
    intake.offend('u', 'x');
    intake.offend('u', 'x');
    expect(intake.muted('u', 'x')).toBe(false);
  });
});
