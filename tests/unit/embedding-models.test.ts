import { describe, expect, test } from 'vitest';
import {
  checkBody,
  checkSecurityFrame,
  computeCommitment,
  concatenatedEmbeddingBytes,
  embeddingSegments,
  frameEmbeddingBits,
  type ConsensusBody,
  type Packet,
  type SecurityFrame,
} from '../../src/protocol/index.js';
import { modelAgreement } from '../../elements/rakis-quorum/model-agreement.js';
import { QuorumNet, T0 } from '../support/quorum-net.js';
import { flipBits, randomBytes, seededRandom } from '../../testkit/random.js';

const MINI = 'rakis-test/encoder-mini';
const TINY = 'rakis-test/encoder-tiny';
const TWO_MODELS: SecurityFrame = { quorum: 3, maxTimeMs: 10_000, secDistance: 0.1, secPercentage: 0.6, embeddingModel: MINI, extraEmbeddingModels: [{ model: TINY }] };

describe('frames naming several embedding models', () => {
  test('a frame of one model is unchanged: no extra field, the same size, and it still validates', () => {
    const single = { ...TWO_MODELS, extraEmbeddingModels: undefined };
    expect(checkSecurityFrame(single)).toBeUndefined();
    expect(frameEmbeddingBits(single)).toBe(128);
    expect(frameEmbeddingBits({ ...single, embeddingDims: 64 })).toBe(64);
  });

  test('segments: each model in frame order, at its prefix, with its own tolerance scaled to the prefix', () => {
    expect(checkSecurityFrame(TWO_MODELS)).toBeUndefined();
    expect(embeddingSegments({ ...TWO_MODELS, embeddingDims: 64 })).toEqual([
      { model: MINI, bits: 64, offsetBytes: 0, toleranceBits: 3 },
      { model: TINY, bits: 64, offsetBytes: 8, toleranceBits: 4 },
    ]);
    expect(frameEmbeddingBits(TWO_MODELS)).toBe(192);
    expect(frameEmbeddingBits({ ...TWO_MODELS, extraEmbeddingModels: [{ model: TINY }, { model: 'nomic-ai/nomic-embed-text-v1.5', dims: 256 }] })).toBe(448);
  });

  test.each<[string, unknown, RegExp]>([
    ['an unknown model', [{ model: 'acme/embedder' }], /extraEmbeddingModels\[0\]\.model acme\/embedder is not a known embedding model/],
    ['a prefix the model lacks', [{ model: TINY, dims: 32 }], /extraEmbeddingModels\[0\]\.dims 32 is not a Matryoshka size/],
    ['the first model again', [{ model: MINI, dims: 64 }], /named twice/],
    ['a model twice', [{ model: TINY }, { model: TINY }], /extraEmbeddingModels\[1\]\.model rakis-test\/encoder-tiny is named twice/],
    ['an empty list', [], /needs at least 1 items/],
    ['more than three', [{ model: TINY }, { model: 'Xenova/all-MiniLM-L6-v2' }, { model: 'nomic-ai/nomic-embed-text-v1.5' }, { model: 'acme/x' }], /more than 3 items/],
    ['an unknown field', [{ model: TINY, tolerance: 9 }], /extraEmbeddingModels\[0\]\.tolerance is not a known field/],
    ['a model that is not a string', [{ model: 7 }], /model must be a string/],
    ['not a list', { model: TINY }, /must be an array/],
  ])('refuses %s', (_, extraEmbeddingModels, problem) => {
    expect(checkSecurityFrame({ ...TWO_MODELS, extraEmbeddingModels })).toMatch(problem);
  });

  test('a reveal carries every model concatenated: sizes of one model or several registered models pass, others do not', () => {
    const reveal = (bytes: number) => ({ type: 'reveal', requestId: 'aa'.repeat(32), inferenceId: 'bb'.repeat(32), output: 'x', bEmbedding: 'cd'.repeat(bytes), salt: 'ee'.repeat(32) });
    for (const bytes of [8, 16, 24, 16 + 8 + 48, 96 + 48 + 16 + 8]) expect(checkBody(reveal(bytes))).toBeUndefined();
    for (const bytes of [1, 7, 96 * 2 + 96 + 96 + 96]) expect(checkBody(reveal(bytes))).toMatch(/bEmbedding has a size no frame of registered embedding models has/);
    expect(concatenatedEmbeddingBytes([[8, 16], [8]], 2, 100)).toEqual(new Set([8, 16, 24]));
    expect(concatenatedEmbeddingBytes([[8], [8], [8]], 2, 100)).toEqual(new Set([8, 16]));
  });

  test('an attestation may name the models its author could not verify with: a short list of distinct model ids', () => {
    const decided: ConsensusBody = { type: 'consensus', requestId: 'aa'.repeat(32), outcome: 'decided', listHash: 'bb'.repeat(32), validInferenceIds: ['cc'.repeat(32)], chosenInferenceId: 'cc'.repeat(32), resultHash: 'dd'.repeat(32), inputs: 3 };
    expect(checkBody(decided)).toBeUndefined();
    expect(checkBody({ ...decided, unverifiedModels: [TINY] })).toBeUndefined();
    expect(checkBody({ type: 'consensus', requestId: 'aa'.repeat(32), outcome: 'failed', reason: 'cluster-too-small', unverifiedModels: [TINY] })).toBeUndefined();
    expect(checkBody({ ...decided, unverifiedModels: [] })).toMatch(/needs at least 1 items/);
    expect(checkBody({ ...decided, unverifiedModels: [TINY, TINY] })).toMatch(/duplicate/);
    expect(checkBody({ ...decided, unverifiedModels: ['a', 'b', 'c', 'd', 'e'] })).toMatch(/more than 4 items/);
    expect(checkBody({ ...decided, unverifiedModels: ['bad model'] })).toMatch(/invalid characters/);
  });

  test('the commitment binds every model: a bit changed in the second model opens nothing', () => {
    const random = seededRandom(3);
    const input = { requestId: 'aa'.repeat(32), synthientId: 'bb'.repeat(32), output: 'x', bEmbedding: randomBytes(random, 24), salt: randomBytes(random, 32) };
    const changed = input.bEmbedding.slice();
    changed[20]! ^= 1;
    expect(computeCommitment({ ...input, bEmbedding: changed })).not.toBe(computeCommitment(input));
  });
});

// Two models: encoder-mini (128 bits, tolerance 6, radius 12 at secDistance 0.1) then encoder-tiny (64 bits, tolerance 4, radius 6).
const random = seededRandom(5);
const SKY_MINI = randomBytes(random, 16);
const SKY_TINY = randomBytes(random, 8);
const join = (mini: Uint8Array, tiny: Uint8Array) => Uint8Array.from([...mini, ...tiny]);
const EMBEDDINGS = new Map<string, Uint8Array>([
  ['The sky is blue.', join(SKY_MINI, SKY_TINY)],
  ['Blue, the sky is.', join(flipBits(random, SKY_MINI, 3), flipBits(random, SKY_TINY, 1))],
  ['It is blue.', join(flipBits(random, SKY_MINI, 4), flipBits(random, SKY_TINY, 2))],
  // Close to the sky in encoder-mini, far from it in encoder-tiny: the text fools one model only.
  ['The sky is made of cheese.', join(flipBits(random, SKY_MINI, 2), flipBits(random, SKY_TINY, 30))],
]);
const HONEST = ['The sky is blue.', 'Blue, the sky is.', 'It is blue.'];
const LIAR = 'The sky is made of cheese.';
const embedBoth = (output: string) => EMBEDDINGS.get(output)!;
const embedMiniOnly = (output: string) => embedBoth(output).slice(0, 16);

function network() {
  const net = new QuorumNet({ frame: TWO_MODELS });
  net.add('requester', { embed: embedBoth });
  for (let i = 0; i < 4; i++) net.add(`w${i}`, { embed: embedBoth });
  net.add('mini-only', { embed: embedMiniOnly, unverifiedModels: [TINY] });
  net.add('observer');
  return net;
}

const attestationOf = (net: QuorumNet, name: string) => net.node(name).sent.filter((packet): packet is Packet<ConsensusBody> => packet.body.type === 'consensus').at(-1)!.body;

describe('a quorum over two embedding models', () => {
  test('a text that agrees in one model but not the other is outside the sphere; every node decides the same honest answer', () => {
    const net = network();
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embedBoth(output), { at: T0 + 1000 + i }));
    net.commit('w3', LIAR, embedBoth(LIAR), { at: T0 + 1100 });
    net.run(T0 + 30_000);
    const decisions = ['requester', 'w0', 'w1', 'w2', 'w3', 'mini-only', 'observer'].map((name) => net.node(name).quorum.snapshot().decision);
    expect(new Set(decisions.map((d) => d?.resultHash)).size).toBe(1);
    expect(HONEST).toContain(decisions[0]!.output);
    expect(decisions[0]!.validInferenceIds).toHaveLength(3);
    expect(decisions[0]!.consensus).toMatchObject({ modelRadiiBits: [12, 6], outliers: [expect.any(String)] });
    expect(decisions.at(-1)!.basis).toBe('attested');
    // <rakis-quorum>'s line: the liar is close in encoder-mini, not in encoder-tiny.
    expect(modelAgreement(net.node('w0').quorum.snapshot())).toEqual([
      { model: MINI, bits: 128, agreeing: 4, of: 4 },
      { model: TINY, bits: 64, agreeing: 3, of: 4 },
    ]);
    expect(modelAgreement(new QuorumNet().add('x').quorum.snapshot())).toBeUndefined();
  });

  test('a verifier missing one model verifies with the other; the requester so placed says so in its attestation, committers name none', () => {
    const net = new QuorumNet({ frame: TWO_MODELS });
    // Only those who speak for a request attest: the requester is the one verifier here that may lack a model.
    net.add('requester', { embed: embedMiniOnly, unverifiedModels: [TINY] });
    for (let i = 0; i < 4; i++) net.add(`w${i}`, { embed: embedBoth });
    net.add('mini-only', { embed: embedMiniOnly, unverifiedModels: [TINY] });
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embedBoth(output)));
    net.run(T0 + 30_000);
    expect(net.node('requester').quorum.snapshot().decision?.basis).toBe('verified');
    expect(attestationOf(net, 'requester')).toMatchObject({ outcome: 'decided', unverifiedModels: [TINY] });
    expect(attestationOf(net, 'w0')).not.toHaveProperty('unverifiedModels');
    // The quiet verifier that lacks a model decides the same by itself.
    expect(net.node('mini-only').quorum.snapshot().decision?.basis).toBe('verified');
    expect(net.node('mini-only').sent.filter((packet) => packet.body.type === 'consensus')).toHaveLength(0);
    const hashes = ['requester', 'w0', 'mini-only'].map((name) => net.node(name).quorum.snapshot().decision?.resultHash);
    expect(new Set(hashes).size).toBe(1);
  });

  test('a claimed embedding refuted in the second model only: verifiers with it reject, the one without it cannot tell', () => {
    const net = network();
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embedBoth(output)));
    // w3 answers honestly in text but claims encoder-tiny bits far from what its text embeds to.
    const claimed = join(embedBoth('The sky is blue.').slice(0, 16), SKY_TINY.map((byte) => byte ^ 0x0f));
    const forged = net.commit('w3', 'The sky is blue.', claimed);
    net.run(T0 + 30_000);
    const rejection = (name: string) => net.node(name).quorum.snapshot().reveals.find((reveal) => reveal.inferenceId === forged.own.inferenceId);
    expect(rejection('w0')).toMatchObject({ status: 'rejected', rejection: { reason: 'embedding-mismatch', detail: expect.stringContaining(`in ${TINY} (tolerance 4)`) } });
    expect(rejection('mini-only')?.status).toBe('verified');
    // With the forged point outside the honest sphere in encoder-tiny, both still decide the same result.
    expect(net.node('mini-only').quorum.snapshot().decision?.resultHash).toBe(net.node('w0').quorum.snapshot().decision?.resultHash);
  });

  test('a reveal of one model only (the wrong size for the frame) is rejected as embedding-size', () => {
    const net = network();
    HONEST.forEach((output, i) => net.commit(`w${i}`, output, embedBoth(output)));
    const short = net.commit('w3', 'It is blue.', embedBoth('It is blue.').slice(0, 16));
    net.run(T0 + 30_000);
    const reveal = net.node('w0').quorum.snapshot().reveals.find((r) => r.inferenceId === short.own.inferenceId);
    expect(reveal?.rejection).toMatchObject({ reason: 'embedding-size', detail: '128 bits, the frame needs 192' });
  });

  test('supplying a re-embedding of the wrong size throws (the driver must embed with exactly its models)', () => {
    const net = network();
    expect(() => net.node('mini-only').quorum.supplyEmbedding('aa'.repeat(32), new Uint8Array(24), T0)).toThrow(/this node's models give 128/);
  });
});
