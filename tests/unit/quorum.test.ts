import { describe, expect, test } from 'vitest';
import { bytesToHex, createIdentity, packetId, shortPacketId, signPacket, type Packet, type RevealRequestBody } from '../../src/protocol/index.js';
import type { QuorumEvent } from '../../src/quorum/index.js';
import { QuorumNet, T0 } from '../support/quorum-net.js';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

// Frame: quorum 3, window 10 s, secDistance 0.1 (12 of 128 bits), secPercentage 0.6.
// Default timings: commits until T0+10 s (+1.5 s grace), fallback list at T0+13.5 s, reveals until T0+19.5 s.
const random = seededRandom(1);
const SKY = randomBytes(random, 16);
const embeddings = new Map<string, Uint8Array>([
  ['The sky is blue.', SKY],
  ['Blue, the sky is.', flipBits(random, SKY, 3)],
  ['It is blue.', flipBits(random, SKY, 5)],
  ['Bananas are yellow.', randomBytes(random, 16)],
  ['Grass is green.', randomBytes(random, 16)],
]);
const embed = (output: string) => embeddings.get(output) ?? randomBytes(seededRandom(output.length), 16);
const HONEST = ['The sky is blue.', 'Blue, the sky is.', 'It is blue.'];

function network(workers = 3, options: ConstructorParameters<typeof QuorumNet>[0] = {}) {
  const net = new QuorumNet(options);
  net.add('requester', { embed });
  for (let i = 0; i < workers; i++) net.add(`w${i}`, { embed });
  net.add('observer');
  return net;
}

const phaseTrail = (events: QuorumEvent[]) => events.filter((e) => e.type === 'phase').map((e) => (e as { phase: string }).phase);

describe('quorum lifecycle', () => {
  test('honest workers: every verifying node decides the same result, the observer follows the attestations', () => {
    const net = network();
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output), { at: T0 + 1000 + i }));
    net.run(T0 + 30_000);
    const decisions = ['requester', 'w0', 'w1', 'w2'].map((name) => net.node(name).quorum.snapshot().decision);
    expect(decisions.every((d) => d?.basis === 'verified')).toBe(true);
    expect(new Set(decisions.map((d) => d!.resultHash)).size).toBe(1);
    expect(HONEST).toContain(decisions[0]!.output);
    expect(decisions[0]!.validInferenceIds).toHaveLength(3);
    expect(net.node('requester').quorum.attestationsFor(decisions[0]!.resultHash)).toBe(4);
    const observed = net.node('observer').quorum.snapshot();
    expect(observed.decision).toMatchObject({ basis: 'attested', resultHash: decisions[0]!.resultHash, output: decisions[0]!.output });
    expect(phaseTrail(net.node('w0').events)).toEqual(['revealing', 'deciding', 'decided']);
    // With the requester's list and every reveal in, nodes decide without waiting out the reveal window.
    expect(net.now).toBeLessThan(net.node('w0').quorum.schedule.revealDeadline);
  });

  test('duplicate packets are reported and never counted twice', () => {
    const net = network();
    const commits = HONEST.map((output, i) => net.commit(`w${i}`, output, embed(output)).packet);
    net.broadcast(commits[0]!);
    net.broadcast(commits[0]!);
    expect(net.eventsOf('requester', 'duplicate')).toHaveLength(2);
    net.run(T0 + 30_000);
    const requester = net.node('requester');
    expect(requester.quorum.snapshot().commits).toHaveLength(3);
    for (const packet of requester.sent) net.broadcast(packet);
    const w0 = net.node('w0').quorum;
    expect(w0.attestationsFor(w0.snapshot().decision!.resultHash)).toBe(4);
  });

  test('commits after the window are rejected as late', () => {
    const net = network(4);
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.advanceTo(T0 + 10_500);
    net.commit('w3', 'The sky is blue.', embed('The sky is blue.'), { at: T0 + 10_400 });
    expect(net.eventsOf('requester', 'commit-rejected')).toEqual([expect.objectContaining({ reason: 'late' })]);
    net.run(T0 + 30_000);
    expect(net.node('requester').quorum.snapshot().list!.inferenceIds).toHaveLength(3);
    expect(net.node('requester').quorum.currentPhase).toBe('decided');
  });

  test('a commit signed before its request is refused', () => {
    const net = network(4);
    net.commit('w3', 'The sky is blue.', embed('The sky is blue.'), { at: T0 - 1 });
    expect(net.eventsOf('requester', 'commit-rejected')).toEqual([expect.objectContaining({ reason: 'before-request' })]);
    expect(net.node('requester').quorum.snapshot().commits).toHaveLength(0);
  });

  test('a commit signed in time but delivered after the list was fixed is late too', () => {
    const net = network(4);
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    const late = net.commit('w3', 'It is blue.', embed('It is blue.'), { send: false, at: T0 + 9_000 });
    net.advanceTo(T0 + 12_000);
    net.broadcast(late.packet);
    expect(net.eventsOf('w0', 'commit-rejected')).toEqual([expect.objectContaining({ reason: 'late' })]);
  });

  test('a listed commit that reaches a node only after the list is held there, as the others hold it', () => {
    const net = network(4);
    let cutOff = true;
    const w3 = net.node('w3').identity.synthientId;
    net.drop = (packet, to) => cutOff && to === 'observer' && packet.from === w3 && packet.body.type === 'commit';
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    const fourth = net.commit('w3', 'It is blue.', embed('It is blue.'));
    net.advanceTo(T0 + 12_000);
    const holdings = (name: string) => net.node(name).quorum.holdings;
    const id = shortPacketId(packetId(fourth.packet));
    expect(net.node('observer').quorum.snapshot().list!.inferenceIds).toContain(fourth.packet.body.inferenceId);
    expect(holdings('observer').has(id)).toBe(false);
    cutOff = false;
    net.broadcast(fourth.packet, 'observer');
    expect(holdings('observer').has(id)).toBe(true);
    expect(holdings('observer').summary().hash).toBe(holdings('w0').summary().hash);
  });

  test('equivocation: the first commitment is kept and the node is flagged', () => {
    const net = network();
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    const w0 = net.node('w0');
    net.commit('w0', 'Grass is green.', embed('Grass is green.'));
    const snapshot = net.node('requester').quorum.snapshot();
    expect(snapshot.flagged).toEqual([w0.identity.synthientId]);
    expect(net.eventsOf('requester', 'commit-rejected')).toEqual([expect.objectContaining({ reason: 'equivocation', from: w0.identity.synthientId })]);
    expect(snapshot.commits.filter((c) => c.from === w0.identity.synthientId)).toHaveLength(1);
  });

  test('a reveal without a commit is rejected as not in the list', () => {
    const net = network(4);
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    const stray = net.commit('w3', 'Bananas are yellow.', embed('Bananas are yellow.'), { send: false });
    net.node('w2').silent = true; // keeps the request open
    net.run(T0 + 12_000);
    const w3 = net.node('w3');
    net.broadcast(
      signPacket(
        w3.identity,
        { type: 'reveal', requestId: net.request.body.requestId, inferenceId: stray.own.inferenceId, output: stray.own.output, bEmbedding: bytesToHex(stray.own.bEmbedding), salt: bytesToHex(stray.own.salt) },
        net.now,
      ),
    );
    expect(net.eventsOf('requester', 'reveal-rejected')).toContainEqual(expect.objectContaining({ reason: 'not-in-list' }));
  });

  test('a reveal that does not open its commitment is rejected, announced, and counts against agreement', () => {
    const net = network();
    const committed = HONEST.map((output, i) => net.commit(`w${i}`, output, embed(output)));
    // w2 will reveal a different output than it committed to.
    net.node('w2').silent = true;
    net.run(T0 + 11_600);
    const w2 = net.node('w2');
    const own = committed[2]!.own;
    net.broadcast(
      signPacket(w2.identity, { type: 'reveal', requestId: net.request.body.requestId, inferenceId: own.inferenceId, output: 'The sky is blue!', bEmbedding: bytesToHex(own.bEmbedding), salt: bytesToHex(own.salt) }, net.now),
    );
    net.run(T0 + 30_000);
    expect(net.eventsOf('requester', 'reveal-rejected')).toContainEqual(expect.objectContaining({ reason: 'commitment-mismatch', from: w2.identity.synthientId }));
    expect(net.node('requester').sent.some((p) => p.body.type === 'revealRejection' && p.body.reason === 'commitment-mismatch')).toBe(true);
    expect(net.eventsOf('w0', 'remote-rejection')).not.toHaveLength(0);
    // 2 good of 3 commits: ceil(0.6 × 3) = 2, so it still decides on the two honest reveals.
    expect(net.node('requester').quorum.snapshot().decision!.validInferenceIds).toHaveLength(2);
  });

  test('a committer that sends a wrong opening before its valid one to some nodes, and after it to others, cannot split them', () => {
    const net = network();
    net.add('b', { embed });
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    // b's answer agrees with the honest ones, so whether its opening counts changes the cluster.
    const { own } = net.commit('b', 'Blue, the sky is.', embed('Blue, the sky is.'));
    net.node('b').silent = true;
    net.run(T0 + 11_600);
    const b = net.node('b').identity;
    const reveal = (output: string) =>
      signPacket(b, { type: 'reveal', requestId: net.request.body.requestId, inferenceId: own.inferenceId, output, bEmbedding: bytesToHex(own.bEmbedding), salt: bytesToHex(own.salt) }, net.now);
    const wrong = reveal('Bananas are yellow.');
    const valid = reveal(own.output);
    for (const name of ['requester', 'w0']) [wrong, valid].forEach((packet) => net.broadcast(packet, name));
    for (const name of ['w1', 'w2', 'observer']) [valid, wrong].forEach((packet) => net.broadcast(packet, name));
    net.run(T0 + 30_000);
    const decisions = ['requester', 'w0', 'w1', 'w2'].map((name) => net.node(name).quorum.snapshot().decision!);
    expect(new Set(decisions.map((decision) => decision.resultHash)).size).toBe(1);
    expect(decisions[0]!.validInferenceIds).toContain(own.inferenceId);
    expect(net.node('observer').quorum.snapshot().decision?.resultHash).toBe(decisions[0]!.resultHash);
  });

  test('a claimed embedding that does not match the re-embedding is rejected', () => {
    const net = network();
    HONEST.slice(0, 2).forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    // w2 claims its unrelated output embeds right next to the honest cluster.
    net.commit('w2', 'Bananas are yellow.', flipBits(random, SKY, 1));
    net.run(T0 + 30_000);
    expect(net.eventsOf('requester', 'reveal-rejected')).toContainEqual(expect.objectContaining({ reason: 'embedding-mismatch' }));
    const decision = net.node('requester').quorum.snapshot().decision!;
    expect(decision.output).not.toBe('Bananas are yellow.');
    expect(decision.validInferenceIds).toHaveLength(2);
  });

  test('a reveal signed after the reveal window is late', () => {
    const net = network();
    const committed = HONEST.map((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.node('w2').silent = true;
    net.run(T0 + 19_600);
    const own = committed[2]!.own;
    const signedAt = net.node('w0').quorum.schedule.revealDeadline + 1;
    net.broadcast(
      signPacket(net.node('w2').identity, { type: 'reveal', requestId: net.request.body.requestId, inferenceId: own.inferenceId, output: own.output, bEmbedding: bytesToHex(own.bEmbedding), salt: bytesToHex(own.salt) }, signedAt),
    );
    expect(net.eventsOf('w0', 'reveal-rejected')).toContainEqual(expect.objectContaining({ reason: 'late' }));
    expect(net.node('w0').quorum.snapshot().decision!.validInferenceIds).toHaveLength(2);
  });

  test('a reveal signed in time that arrives after a node decided: it re-decides, and its new attestation replaces the old one', () => {
    const net = network();
    const committed = HONEST.map((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.node('w2').silent = true;
    net.run(T0 + 25_000);
    const before = net.node('w0').quorum.snapshot().decision!;
    expect(before.validInferenceIds).toHaveLength(2);
    const own = committed[2]!.own;
    const reveal = signPacket(net.node('w2').identity, { type: 'reveal', requestId: net.request.body.requestId, inferenceId: own.inferenceId, output: own.output, bEmbedding: bytesToHex(own.bEmbedding), salt: bytesToHex(own.salt) }, T0 + 12_000);
    net.broadcast(reveal);
    net.run(T0 + 26_000);
    const after = ['requester', 'w0', 'w1'].map((name) => net.node(name).quorum.snapshot().decision!);
    expect(new Set(after.map((decision) => decision.resultHash)).size).toBe(1);
    expect(after[0]!.validInferenceIds).toHaveLength(3);
    expect(after[0]!.resultHash).not.toBe(before.resultHash);
    // The re-decided attestations name more inputs, so they replace the earlier ones everywhere: no conflict, no flag.
    expect(net.eventsOf('observer', 'attestation-conflict')).toEqual([]);
    const observed = net.node('observer').quorum.snapshot();
    expect(observed.flagged).toEqual([]);
    expect(observed.decision?.resultHash).toBe(after[0]!.resultHash);
    expect(observed.attestations).toEqual([{ resultHash: after[0]!.resultHash, count: 3 }]);
  });

  test('a requester that vanishes: workers fix the list themselves and still decide', () => {
    const net = network();
    net.node('requester').silent = true;
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.run(T0 + 30_000);
    const results = ['w0', 'w1', 'w2'].map((name) => net.node(name).quorum.snapshot());
    expect(results.every((r) => r.phase === 'decided' && !r.list!.byRequester)).toBe(true);
    expect(new Set(results.map((r) => r.decision!.resultHash)).size).toBe(1);
    expect(new Set(results.map((r) => r.list!.listHash)).size).toBe(1);
  });

  test('not enough commits fails with the reason, for the requester at once and for others at the deadline', () => {
    const net = network(2);
    ['w0', 'w1'].forEach((name, i) => net.commit(name, HONEST[i]!, embed(HONEST[i]!)));
    net.run(T0 + 30_000);
    expect(net.node('requester').quorum.snapshot().failure).toMatchObject({ reason: 'not-enough-commits' });
    expect(net.node('w0').quorum.snapshot().failure).toMatchObject({ reason: 'not-enough-commits' });
    expect(net.node('observer').quorum.snapshot().failure).toMatchObject({ reason: 'not-enough-commits' });
  });

  // A node that joins late (or is cut off) may reach the reveal deadline without the list; when the
  // packets reach it afterwards it must end where the others did, not stay failed (that is a split).
  test('a node that failed for want of the list settles on the list and reveals that reach it later', () => {
    const net = network();
    net.add('verifier', { embed });
    const held: { packet: Packet; to: string }[] = [];
    const cutOff = new Set(['verifier', 'observer']);
    net.drop = (packet, to) => {
      const late = cutOff.has(to) && packet.body.type !== 'commit';
      if (late) held.push({ packet, to });
      return late;
    };
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.run(T0 + 21_000);
    const settled = net.node('w0').quorum.snapshot().decision!;
    for (const name of cutOff) expect(net.node(name).quorum.snapshot().failure).toMatchObject({ reason: 'no-reveal-list' });
    net.drop = () => false;
    for (const { packet, to } of held.splice(0)) net.broadcast(packet, to);
    net.advanceTo(T0 + 21_500);
    for (const name of cutOff) expect(net.node(name).quorum.snapshot().decision?.resultHash, name).toBe(settled.resultHash);
  });

  test('no agreement fails with cluster-too-small, attested as a failure', () => {
    const net = network();
    ['The sky is blue.', 'Bananas are yellow.', 'Grass is green.'].forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.run(T0 + 40_000);
    expect(net.node('requester').quorum.snapshot().failure).toMatchObject({ reason: 'cluster-too-small' });
    expect(net.node('requester').quorum.snapshot().failedAttestations).toBe(4);
    // The observer cannot verify: it gives the reason the verifiers attested, not that nobody attested.
    expect(net.node('observer').quorum.snapshot().failure).toEqual({ reason: 'cluster-too-small', explanation: '4 nodes that verified reported that too few answers agreed' });
  });

  test('an observer with enough matching attestations but without the chosen reveal says so, not that nobody attested', () => {
    const net = network();
    net.drop = (packet, to) => to === 'observer' && packet.body.type === 'reveal';
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embed(output)));
    net.run(T0 + 40_000);
    const decided = net.node('w0').quorum.snapshot().decision!;
    const observed = net.node('observer').quorum.snapshot();
    expect(observed.attestations).toEqual([{ resultHash: decided.resultHash, count: 4 }]);
    expect(observed.failure).toMatchObject({ reason: 'chosen-reveal-missing' });
  });

  test('a reveal list with a forged entry is refused', () => {
    const net = network();
    const commits = HONEST.map((output, i) => net.commit(`w${i}`, output, embed(output), { send: false }).packet);
    const liar = createIdentity();
    const entries = commits
      .map((c) => ({ from: c.from, createdAt: c.createdAt, inferenceId: c.body.inferenceId, commitment: c.body.commitment, model: c.body.model, sig: c.sig }))
      .sort((a, b) => (a.commitment < b.commitment ? -1 : 1));
    entries[1] = { ...entries[1]!, sig: entries[0]!.sig };
    const forged: Packet<RevealRequestBody> = signPacket(net.requester, { type: 'revealRequest', requestId: net.request.body.requestId, commits: entries }, T0 + 11_500);
    net.advanceTo(T0 + 11_500);
    net.broadcast(forged, 'observer');
    expect(net.eventsOf('observer', 'reveal-list-rejected')).toEqual([expect.objectContaining({ reason: 'bad-entry-signature' })]);
    const early = signPacket(liar, { type: 'revealRequest', requestId: net.request.body.requestId, commits: entries }, net.now);
    net.broadcast(early, 'observer');
    expect(net.eventsOf('observer', 'reveal-list-rejected')).toContainEqual(expect.objectContaining({ reason: 'too-early' }));
  });
});
