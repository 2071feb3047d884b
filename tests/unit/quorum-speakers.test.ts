import { expect, test } from 'vitest';
import { QuorumNet, T0 } from '../support/quorum-net.js';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

// Frame: quorum 3, window 10 s, secDistance 0.1, secPercentage 0.6 (2 of 3 listed committers).
const random = seededRandom(11);
const SKY = randomBytes(random, 16);
const HONEST = new Map<string, Uint8Array>([
  ['The sky is blue.', SKY],
  ['Blue, the sky is.', flipBits(random, SKY, 3)],
  ['It is blue.', flipBits(random, SKY, 5)],
]);
const embed = (output: string) => HONEST.get(output)!;

/** Requester, three committing workers, two verifiers that do not commit, and an observer. */
function network() {
  const net = new QuorumNet();
  net.add('requester', { embed });
  for (let i = 0; i < 3; i++) net.add(`w${i}`, { embed });
  net.add('v0', { embed });
  net.add('v1', { embed });
  net.add('observer');
  [...HONEST.keys()].forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 1_000 + i }));
  net.run(T0 + 30_000);
  return net;
}

const attestationsSent = (net: QuorumNet, name: string) => net.node(name).sent.filter((packet) => packet.body.type === 'consensus');

test('a verifier that did not commit decides quietly: it sends no attestation and offers none to peers', () => {
  const net = network();
  for (const name of ['v0', 'v1']) {
    const { quorum } = net.node(name);
    expect(quorum.snapshot().decision?.basis).toBe('verified');
    expect(quorum.speaks()).toBe(false);
    expect(attestationsSent(net, name)).toEqual([]);
    expect(net.node(name).sent).toEqual([]);
  }
});

test('the listed committers and the requester attest, and each is counted once everywhere', () => {
  const net = network();
  for (const name of ['requester', 'w0', 'w1', 'w2']) {
    expect(net.node(name).quorum.speaks()).toBe(true);
    expect(attestationsSent(net, name)).toHaveLength(1);
  }
  const resultHash = net.node('w0').quorum.snapshot().decision!.resultHash;
  for (const name of ['requester', 'w0', 'v0', 'observer']) expect(net.node(name).quorum.attestationsFor(resultHash)).toBe(4);
});

test('a quiet verifier and an observer settle on the same result as the committers', () => {
  const net = network();
  const hashes = ['requester', 'w0', 'w1', 'w2', 'v0', 'v1', 'observer'].map((name) => net.node(name).quorum.snapshot().decision?.resultHash);
  expect(hashes[0]).toBeDefined();
  expect(new Set(hashes).size).toBe(1);
  expect(net.node('observer').quorum.snapshot().decision?.basis).toBe('attested');
});

test('an attestation from a node that does not speak for the request is refused, not counted', () => {
  const net = network();
  const w0 = net.node('w0');
  const honest = attestationsSent(net, 'w0')[0]!;
  // v0 replays w0's attestation body under its own name (as a quiet node that attested anyway would).
  const forged = { ...honest, from: net.node('v0').identity.synthientId };
  const step = net.node('observer').quorum.receive(forged, net.now);
  expect(step.events).toContainEqual({ type: 'attestation-refused', from: forged.from });
  expect(net.node('observer').quorum.attestationsFor(w0.quorum.snapshot().decision!.resultHash)).toBe(4);
});
