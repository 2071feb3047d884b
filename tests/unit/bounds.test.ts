import { describe, expect, test } from 'vitest';
import { EarlyPackets } from '../../src/node/early-packets.js';
import { createIdentity, encodePacket, signPacket, type Packet } from '../../src/protocol/index.js';

const T0 = 1_800_000_000_000;
const KiB = 1024;
const MiB = 1024 * KiB;

describe('early packets (about requests not seen yet)', () => {
  const sender = createIdentity();
  const packet = (requestId: string, i: number): Packet =>
    signPacket(sender, { type: 'revealRejection', requestId, inferenceId: i.toString(16).padStart(64, '0'), reason: 'late', detail: `${i}` }, T0);

  test('are bounded in bytes overall and per request, oldest evicted first', () => {
    const early = new EarlyPackets();
    const ids = Array.from({ length: 16 }, (_, r) => r.toString(16).padStart(64, 'a'));
    // 1,024 packets that each claim 209 KiB on the wire, 64 per request.
    for (let i = 0; i < 1024; i++) early.hold(ids[i % 16]!, packet(ids[i % 16]!, i), T0 + i, 209 * KiB);
    expect(early.bytes).toBeLessThanOrEqual(8 * MiB);
    const taken = ids.map((id) => early.take(id));
    for (const held of taken) expect(held.length * 209 * KiB).toBeLessThanOrEqual(MiB);
    // The newest packets are the ones kept: the first requests lost theirs to the later ones.
    const kept = taken.flat().map(({ receivedAt }) => receivedAt - T0);
    expect(Math.min(...kept)).toBeGreaterThan(1024 - 64);
    expect(early.bytes).toBe(0);
  });

  test('one request fills at most its own share', () => {
    const early = new EarlyPackets();
    const id = 'b'.repeat(64);
    for (let i = 0; i < 100; i++) {
      const p = packet(id, i);
      early.hold(id, p, T0 + i, encodePacket(p).length * 1000);
    }
    expect(early.bytes).toBeLessThanOrEqual(MiB);
    expect(early.take(id).at(-1)!.receivedAt).toBe(T0 + 99);
  });

  test('expire after a minute of the node clock', () => {
    const early = new EarlyPackets();
    const [a, b] = ['c'.repeat(64), 'd'.repeat(64)];
    early.hold(a, packet(a, 1), T0, 500);
    early.hold(b, packet(b, 2), T0 + 30_000, 500);
    early.expire(T0 + 59_000);
    expect(early.count).toBe(2);
    early.expire(T0 + 61_000);
    expect(early.take(a)).toEqual([]);
    expect(early.take(b)).toHaveLength(1);
    expect(early.bytes).toBe(0);
    early.hold(a, packet(a, 3), T0 + 61_000, 500);
    early.expire(T0 + 3_600_000);
    expect(early.count).toBe(0);
  });
});
