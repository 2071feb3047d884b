import { describe, expect, test } from 'vitest';
import { computeInferenceId, computeResultHash, createIdentity, signPacket, type RevealBody } from '../../src/protocol/index.js';
import type { QuorumEvent } from '../../src/quorum/index.js';
import { MODEL, QuorumNet, T0 } from '../support/quorum-net.js';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

// Attacks the simulation found against the quorum state machine, reduced to a handful of nodes.
const random = seededRandom(7);
const SKY = randomBytes(random, 16);
const HONEST = ['The sky is blue.', 'Blue, the sky is.', 'It is blue.'];
const embeddings = new Map(HONEST.map((output, i) => [output, flipBits(random, SKY, i * 2)]));
const embed = (output: string) => embeddings.get(output) ?? randomBytes(seededRandom(output.length), 16);

function network() {
  const net = new QuorumNet();
  net.add('requester', { embed });
  HONEST.forEach((_, i) => net.add(`w${i}`, { embed }));
  return net;
}

const verifying = ['requester', 'w0', 'w1', 'w2'];

describe('attacks on one request', () => {
  test('a reveal copied and re-sent by another node does not displace the committer’s reveal', () => {
    const net = network();
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 1000 + i }));
    // w2 withholds its reveal, so nodes wait out the reveal window and the copy arrives while they do.
    net.node('w2').silent = true;
    net.advanceTo(T0 + 11_500);
    const reveal = net.node('w0').sent.find((packet) => packet.body.type === 'reveal')!;
    const copier = createIdentity();
    net.broadcast(signPacket(copier, reveal.body as RevealBody, net.now));
    net.run(T0 + 30_000);
    for (const name of ['requester', 'w0', 'w1']) {
      // w0 and w1 verified: 2 of 3 listed reach ceil(0.6 × 3) = 2.
      expect(net.node(name).quorum.snapshot().decision?.validInferenceIds).toHaveLength(2);
    }
  });

  test('a commitment copied under another id still leaves a list every node accepts', () => {
    const net = network();
    const commits = HONEST.map((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 1000 + i }).packet);
    const copier = createIdentity();
    const { commitment } = commits[0]!.body;
    const requestId = net.request.body.requestId;
    net.broadcast(signPacket(copier, { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, copier.synthientId, commitment), commitment, model: MODEL }, T0 + 2_000));
    net.run(T0 + 30_000);
    const decisions = verifying.map((name) => net.node(name).quorum.snapshot().decision);
    for (const name of verifying) expect(net.eventsOf(name, 'reveal-list-rejected')).toEqual([]);
    expect(decisions.every((d) => d?.listHash === decisions[0]!.listHash && d.resultHash === decisions[0]!.resultHash)).toBe(true);
    // 4 listed, the copier never opens its entry: the 3 honest answers still reach ceil(0.6 × 4) = 3.
    expect(net.node('requester').quorum.snapshot().list?.inferenceIds).toHaveLength(4);
  });
});

describe('attestations', () => {
  test('a node that cannot verify does not follow one well-formed attestation of a colluder’s answer', () => {
    const net = network();
    net.add('observer');
    net.add('w3', { embed });
    [...HONEST, HONEST[0]!].forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 1000 + i }));
    net.add('sybil', { embed });
    const wrong = net.commit('sybil', 'Bananas are yellow.', embed('Bananas are yellow.'), { at: T0 + 1500 });
    // w2 withholds its reveal, so verifiers only decide when the reveal window closes (3 of 5 listed agree).
    net.node('w2').silent = true;
    net.advanceTo(T0 + 11_600);
    const list = net.node('requester').quorum.snapshot().list!;
    const requestId = net.request.body.requestId;
    const chosen = wrong.own.inferenceId;
    const resultHash = computeResultHash({ requestId, listHash: list.listHash, chosenInferenceId: chosen, chosenOutput: 'Bananas are yellow.', validInferenceIds: [chosen] });
    net.broadcast(signPacket(createIdentity(), { type: 'consensus', requestId, outcome: 'decided', listHash: list.listHash, validInferenceIds: [chosen], chosenInferenceId: chosen, resultHash }, net.now), 'observer');
    net.run(T0 + 40_000);
    const decided = net.eventsOf('observer', 'decided') as Extract<QuorumEvent, { type: 'decided' }>[];
    expect(decided.length).toBeGreaterThan(0);
    expect(decided.map((event) => event.decision.output).every((output) => HONEST.includes(output))).toBe(true);
  });
});
