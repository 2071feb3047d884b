import { describe, expect, test } from 'vitest';
import { type ConsensusBody, type Packet } from '../../src/protocol/index.js';
import { AttestationTally, MAX_EARLY_ATTESTATIONS } from '../../src/quorum/attestation-tally.js';
import { QuorumNet, T0 } from '../support/quorum-net.js';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

// Frame: quorum 3, window 10 s, secDistance 0.1, secPercentage 0.6 (2 of 3 listed committers).
const random = seededRandom(7);
const SKY = randomBytes(random, 16);
const HONEST = new Map<string, Uint8Array>([
  ['The sky is blue.', SKY],
  ['Blue, the sky is.', flipBits(random, SKY, 3)],
  ['It is blue.', flipBits(random, SKY, 5)],
]);
const embed = (output: string) => HONEST.get(output) ?? randomBytes(seededRandom(output.length), 16);

function network() {
  const net = new QuorumNet();
  net.add('requester', { embed });
  for (let i = 0; i < 3; i++) net.add(`w${i}`, { embed });
  net.add('observer');
  return net;
}

/** A packet as the mesh would hand it over once verified (the quorum trusts its caller for signatures). */
function junk<B extends Packet['body']>(from: string, body: B, createdAt: number): Packet<B> {
  return { v: 1, from, createdAt, body, sig: '00'.repeat(64) };
}

const hex = (i: number, width = 64) => i.toString(16).padStart(width, '0');

describe('attestations kept', () => {
  test('a flood of attestations from nodes that do not speak for the request is bounded, cheap, and does not keep the listed ones out', () => {
    const net = network();
    const observer = net.node('observer');
    const requestId = net.request.body.requestId;
    [...HONEST.keys()].forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    const flood = MAX_EARLY_ATTESTATIONS + 1_000;
    const started = performance.now();
    for (let i = 0; i < flood; i++) {
      const body: ConsensusBody = { type: 'consensus', requestId, outcome: 'decided', listHash: hex(1), validInferenceIds: [hex(i)], chosenInferenceId: hex(i), resultHash: hex(i + 1) };
      const step = observer.quorum.receive(junk(hex(i + 1, 64), body, T0 + 1_000), net.now);
      observer.events.push(...step.events);
    }
    const elapsed = performance.now() - started;
    // O(1) per attestation: thousands in well under a second (it was O(n) each, O(n²) in all).
    expect(elapsed).toBeLessThan(3_000);
    expect(observer.events.filter((event) => event.type === 'attestation-refused')).toHaveLength(flood - MAX_EARLY_ATTESTATIONS);
    net.run(T0 + 30_000);
    const decision = net.node('w0').quorum.snapshot().decision!;
    expect(observer.quorum.snapshot().decision).toMatchObject({ basis: 'attested', resultHash: decision.resultHash });
    // The three listed committers and the requester: the ones who speak for the request.
    expect(observer.quorum.attestationsFor(decision.resultHash)).toBe(4);
  });

  test('the running counts and ranking match a recount, whatever the order', () => {
    const rng = seededRandom(3);
    const tally = new AttestationTally();
    const attested = new Map<string, string | 'failed'>();
    for (let i = 0; i < 3_000; i++) {
      const node = hex(Math.floor(rng() * 400), 8);
      const failed = rng() < 0.1;
      const resultHash = hex(Math.floor(rng() * 30), 4);
      const body: ConsensusBody = failed
        ? { type: 'consensus', requestId: hex(0), outcome: 'failed', listHash: hex(1), reason: 'no-reveals' }
        : { type: 'consensus', requestId: hex(0), outcome: 'decided', listHash: hex(1), validInferenceIds: [], chosenInferenceId: hex(2), resultHash };
      if (rng() < 0.05) {
        tally.recordOwn(node, body);
        attested.set(node, failed ? 'failed' : resultHash);
      } else if (tally.receive(node, body).type === 'attestation') attested.set(node, failed ? 'failed' : resultHash);
    }
    const recount = new Map<string, number>();
    for (const value of attested.values()) if (value !== 'failed') recount.set(value, (recount.get(value) ?? 0) + 1);
    const ranked = [...recount].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([hash]) => hash);
    expect([...tally.ranked()]).toEqual(ranked);
    expect(tally.counts()).toEqual({ decided: recount, failed: [...attested.values()].filter((v) => v === 'failed').length });
    for (const hash of ranked) expect(tally.find(hash)?.resultHash).toBe(hash);
    const some = new Set([...attested.keys()].slice(0, 50));
    for (const hash of ranked) expect(tally.attestedBy(some, hash)).toBe([...some].filter((node) => attested.get(node) === hash).length);
  });
});

describe('reveals kept', () => {
  const junkReveal = (net: QuorumNet, from: string, i: number) =>
    junk(from, { type: 'reveal' as const, requestId: net.request.body.requestId, inferenceId: hex(i), output: '', bEmbedding: '00'.repeat(16), salt: '00'.repeat(32) }, T0 + 2_000);

  test('1,024 empty reveals from 3 identities in the commit window do not keep the listed openings out', () => {
    const net = network();
    [...HONEST.keys()].forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    for (let i = 0; i < 1_024; i++) net.broadcast(junkReveal(net, hex(i % 3, 64), i));
    net.run(T0 + 30_000);
    for (const name of ['requester', 'w0', 'w1', 'w2', 'observer']) {
      const snapshot = net.node(name).quorum.snapshot();
      expect(snapshot.decision?.validInferenceIds, name).toHaveLength(3);
      expect(snapshot.reveals.filter((reveal) => reveal.status === 'verified' || name === 'observer')).toHaveLength(3);
    }
  });

  test('nor do junk reveals from many identities, before or after the list', () => {
    const net = network();
    [...HONEST.keys()].forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    for (let i = 0; i < 1_100; i++) net.broadcast(junkReveal(net, hex(10_000 + i, 64), i));
    // Past the grace: the requester's list is out, the honest reveals follow it; more junk comes after.
    net.advanceTo(T0 + 11_600);
    for (let i = 0; i < 600; i++) net.broadcast(junkReveal(net, hex(20_000 + i, 64), i));
    net.run(T0 + 30_000);
    for (const name of ['requester', 'w0', 'w1', 'w2', 'observer']) {
      expect(net.node(name).quorum.snapshot().decision?.validInferenceIds, name).toHaveLength(3);
    }
    // Unlisted junk was judged (not-in-list) but is not what the node holds for reconciliation: the
    // request, 3 commits, the list, 3 reveals and 4 attestations are.
    expect(net.node('w0').quorum.holdings.size).toBe(12);
  });
});
