import { describe, expect, test } from 'vitest';
import { PeerTable } from '../../src/network/peer-table.js';
import { EarlyPackets } from '../../src/node/early-packets.js';
import { securityFrame, type JobUpdate } from '../../src/node/index.js';
import { WorkerRole } from '../../src/node/worker-role.js';
import { createIdentity, encodePacket, signPacket, signRequest, type Identity, type Packet } from '../../src/protocol/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { ScriptedEmbedder, ScriptedGenerator } from '../../tools/sim/scripted-engines.js';
import { SimNet } from '../support/sim-net.js';

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

const frame = securityFrame('balanced', { maxTimeMs: 20_000 }, 'rakis-test/encoder-mini');
const params = { acceptedModels: ['rakis-test/lm-mini'], maxTokens: 8 };

describe('requests of others followed', () => {
  test('at most 8 unsettled per requester; others and this node’s own are still followed', async () => {
    const net = new SimNet();
    const observer = await net.add();
    const flooder = await net.add();
    const other = await net.add();
    await net.startAll();
    const flood = Array.from({ length: 20 }, (_, i) => flooder.request(`flood ${i}`, frame, params));
    await net.run(500);
    const honest = other.request('Why is the sky blue?', frame, params);
    const own = Array.from({ length: 12 }, (_, i) => observer.request(`mine ${i}`, frame, params));
    await net.run(500);
    const followed = new Set(observer.requests().map((snapshot) => snapshot.requestId));
    expect(flood.filter((handle) => followed.has(handle.requestId))).toHaveLength(8);
    expect(followed.has(honest.requestId)).toBe(true);
    expect(own.every((handle) => followed.has(handle.requestId))).toBe(true);
    expect(observer.status.dropped.requests).toBe(12);
    // The flooder follows all of its own.
    const flooderFollows = new Set(flooder.requests().map((snapshot) => snapshot.requestId));
    expect(flood.every((handle) => flooderFollows.has(handle.requestId))).toBe(true);
    for (const node of net.nodes) await node.stop();
  });
});

describe('worker queue', () => {
  function worker() {
    const clock = new ManualClock(T0);
    const updates: JobUpdate[] = [];
    const role = new WorkerRole({
      generators: [new ScriptedGenerator({ delay: () => new Promise(() => {}) })],
      embedders: [new ScriptedEmbedder()],
      scheduler: clock,
      initialTokensPerSecond: 1_000,
      onAnswer: async () => {},
      onUpdate: (update) => updates.push(update),
    });
    return { role, updates };
  }
  const request = (identity: Identity, i: number) => signRequest(identity, { prompt: `p${i}`, temperature: 0, securityFrame: frame, ...params }, T0);

  test('one requester queues at most 2 jobs; another requester is still served', () => {
    const { role } = worker();
    const flooder = createIdentity();
    const states = Array.from({ length: 10 }, (_, i) => role.offer(request(flooder, i)));
    // One runs, two wait, the rest are refused.
    expect(states.filter((update) => update.state === 'queued')).toHaveLength(3);
    expect(states.filter((update) => update.reason === 'requester-busy')).toHaveLength(7);
    expect(role.offer(request(createIdentity(), 99)).state).toBe('queued');
    expect(role.status()[0]!.waiting).toBe(3);
    expect(role.refused).toBe(7);
  });

  test('a job whose turn comes too late for its window is dropped without taking the engine', async () => {
    const clock = new ManualClock(T0);
    const updates: JobUpdate[] = [];
    const finish: (() => void)[] = [];
    const generator = new ScriptedGenerator({ delay: () => new Promise<void>((resolve) => finish.push(resolve)) });
    const role = new WorkerRole({
      generators: [generator],
      embedders: [new ScriptedEmbedder()],
      scheduler: clock,
      // 8 tokens a second: each job of 8 tokens is estimated at 1 s, plus 1 s to embed and commit.
      initialTokensPerSecond: 8,
      onAnswer: async () => {},
      onUpdate: (update) => updates.push(update),
    });
    const first = request(createIdentity(), 1);
    const second = request(createIdentity(), 2);
    expect(role.offer(first).state).toBe('queued');
    expect(role.offer(second).state).toBe('queued');
    await Promise.resolve();
    expect(finish).toHaveLength(1);
    // The first job runs until 1.5 s before the second's window closes: 2 s of work no longer fit.
    clock.advance(frame.maxTimeMs - 1_500);
    finish[0]!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const mine = updates.filter((update) => update.requestId === second.body.requestId).map((update) => `${update.state}${update.reason ? `:${update.reason}` : ''}`);
    expect(mine).toEqual(['queued', 'skipped:too-slow']);
    expect(finish).toHaveLength(1);
    expect(role.status()[0]).toMatchObject({ waiting: 0, running: false });
  });

  test('the queue of an engine is bounded whatever the number of identities', () => {
    const { role } = worker();
    const states = Array.from({ length: 40 }, (_, i) => role.offer(request(createIdentity(), i)));
    expect(role.status()[0]!.waiting).toBe(16);
    expect(states.filter((update) => update.reason === 'queue-full')).toHaveLength(40 - 17);
  });
});

describe('peer table', () => {
  test('holds at most 1,024 direct peers, forgetting the least recently heard', () => {
    const table = new PeerTable('f'.repeat(64), 256);
    const identities = Array.from({ length: 1100 }, () => createIdentity());
    const hello = (identity: Identity, at: number) =>
      signPacket(identity, { type: 'hello', role: 'worker', models: [], embeddingModels: [], tokensServed: 0, client: 't' }, at);
    const first = identities[0]!;
    table.heard(hello(first, T0), 'memory', T0);
    identities.slice(1).forEach((identity, i) => {
      table.heard(hello(identity, T0), 'memory', T0 + i + 1);
      // The first peer keeps talking, so it is never the least recently heard.
      if (i % 100 === 0) table.heard(hello(first, T0), 'memory', T0 + i + 1);
    });
    expect(table.size).toBe(1024);
    const ids = new Set(table.peers().map((peer) => peer.synthientId));
    expect(ids.has(first.synthientId)).toBe(true);
    expect(ids.has(identities[1]!.synthientId)).toBe(false);
    expect(ids.has(identities[1099]!.synthientId)).toBe(true);
  });
});
