import { describe, expect, test } from 'vitest';
import { signPacket } from '../../src/protocol/index.js';
import { EARLY_CLOSE_MIN_MS, mayCloseEarly } from '../../src/quorum/early-close.js';
import { QuorumNet, T0 } from '../support/quorum-net.js';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

const random = seededRandom(7);
const SKY = randomBytes(random, 16);
const OUTPUTS = ['The sky is blue.', 'Blue, the sky is.', 'It is blue.'];
const EMBEDDINGS = new Map(OUTPUTS.map((output, i) => [output, i === 0 ? SKY : flipBits(random, SKY, 2 + i)]));
const embed = (output: string) => EMBEDDINGS.get(output) ?? randomBytes(seededRandom(output.length), 16);

describe('the rule', () => {
  const base = { createdAt: T0, maxTimeMs: 30_000, quorum: 2, committers: new Set(['a', 'b']), decliners: new Set(['c']) };
  test('closes once every known contributor committed or declined, with a quorum, after the minimum', () => {
    expect(mayCloseEarly({ ...base, now: T0 + 1_500, eligible: ['a', 'b', 'c'] })).toBe(true);
  });
  test('waits for a known contributor that has not answered', () => {
    expect(mayCloseEarly({ ...base, now: T0 + 1_500, eligible: ['a', 'b', 'c', 'd'] })).toBe(false);
  });
  test('waits for the minimum: the larger of 1 s and a twentieth of the window', () => {
    expect(mayCloseEarly({ ...base, now: T0 + 1_499, eligible: ['a', 'b'] })).toBe(false);
    expect(mayCloseEarly({ ...base, maxTimeMs: 10_000, now: T0 + EARLY_CLOSE_MIN_MS, eligible: ['a', 'b'] })).toBe(true);
  });
  test('never without a quorum of commits, even when everyone known declined', () => {
    expect(mayCloseEarly({ ...base, quorum: 3, now: T0 + 5_000, eligible: ['a', 'b', 'c'] })).toBe(false);
  });
  test("past the window by the requester's adapted grace, a quorum is enough though a known contributor is silent", () => {
    const silent = { ...base, eligible: ['a', 'b', 'c', 'd'], graceMs: 300 };
    expect(mayCloseEarly({ ...silent, now: T0 + 30_299 })).toBe(false);
    expect(mayCloseEarly({ ...silent, now: T0 + 30_300 })).toBe(true);
    expect(mayCloseEarly({ ...silent, quorum: 3, now: T0 + 31_000 })).toBe(false);
  });
});

describe('in a quorum', () => {
  function network() {
    const net = new QuorumNet({ frame: { maxTimeMs: 30_000 } });
    net.add('requester', { embed });
    for (let i = 0; i < 4; i++) net.add(`w${i}`, { embed });
    net.add('observer');
    return net;
  }
  const id = (net: QuorumNet, name: string) => net.node(name).identity.synthientId;

  test('the requester fixes its list as soon as every contributor it knows answered, and everyone decides long before the window ends', () => {
    const net = network();
    net.advanceTo(T0 + 500);
    OUTPUTS.forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 600 + i }));
    // w3 runs the model too, but is busy: it declines.
    net.broadcast(signPacket(net.node('w3').identity, { type: 'decline', requestId: net.request.body.requestId, reason: 'queue-full' }, T0 + 700));
    const eligible = ['w0', 'w1', 'w2', 'w3'].map((name) => id(net, name));
    net.closeEarly('requester', eligible, T0 + 900);
    expect(net.node('requester').quorum.snapshot().list).toBeUndefined();
    net.advanceTo(T0 + 1_600);
    net.closeEarly('requester', eligible);
    const list = net.node('requester').quorum.snapshot().list;
    expect(list?.inferenceIds).toHaveLength(3);
    expect(net.node('w0').quorum.snapshot().declined).toEqual([id(net, 'w3')]);
    net.run(T0 + 5_000);
    const decisions = ['requester', 'w0', 'w1', 'w2', 'observer'].map((name) => net.node(name).quorum.snapshot().decision);
    expect(decisions.every((decision) => decision !== undefined)).toBe(true);
    expect(new Set(decisions.map((decision) => decision!.resultHash)).size).toBe(1);
  });

  test('a known contributor that stays silent keeps the window open to its end', () => {
    const net = network();
    OUTPUTS.forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 600 + i }));
    const eligible = ['w0', 'w1', 'w2', 'w3'].map((name) => id(net, name));
    for (let now = T0 + 1_000; now < T0 + 30_000; now += 1_000) {
      net.advanceTo(now);
      net.closeEarly('requester', eligible);
    }
    expect(net.node('requester').quorum.snapshot().list).toBeUndefined();
    net.run(T0 + 60_000);
    expect(net.node('requester').quorum.snapshot().decision).toBeDefined();
  });

  test('only the requester closes early', () => {
    const net = network();
    OUTPUTS.forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 600 + i }));
    net.advanceTo(T0 + 2_000);
    net.closeEarly('w0', [id(net, 'w0'), id(net, 'w1'), id(net, 'w2')]);
    expect(net.node('w0').quorum.snapshot().list).toBeUndefined();
  });
});
