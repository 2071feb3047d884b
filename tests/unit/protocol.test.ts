import { describe, expect, test } from 'vitest';
import {
  LIMITS,
  IdentityError,
  bytesToHex,
  canonicalJson,
  checkSecurityFrame,
  computeCommitment,
  computeInferenceId,
  createIdentity,
  decodePacket,
  encodePacket,
  exportIdentity,
  importIdentity,
  packetId,
  revealMatchesCommitment,
  signPacket,
  signRequest,
  signedBytes,
  verifyPacket,
  verifyPacketAsync,
  type Packet,
  type PacketBody,
} from '../../src/protocol/index.js';
import { bytesToHex as nobleBytesToHex } from '@noble/hashes/utils.js';
import { randomBytes, seededRandom } from '../../testkit/random.js';

const NOW = 1_800_000_000_000;
const alice = createIdentity();
const bob = createIdentity();
const random = seededRandom(7);
const hex32 = () => bytesToHex(randomBytes(random, 32));

const frame = { quorum: 3, maxTimeMs: 10_000, secDistance: 0.2, secPercentage: 0.6, embeddingModel: 'rakis-test/encoder-mini' };
const request = signRequest(
  alice,
  { prompt: 'Name a colour.', acceptedModels: ['rakis-test/lm-mini'], temperature: 0, maxTokens: 32, securityFrame: frame },
  NOW,
);
const requestId = request.body.requestId;

function sampleBodies(): PacketBody[] {
  const commitment = hex32();
  return [
    request.body,
    { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, alice.synthientId, commitment), commitment, model: 'rakis-test/lm-mini' },
    {
      type: 'revealRequest',
      requestId,
      commits: [{ from: bob.synthientId, createdAt: NOW, inferenceId: hex32(), commitment: hex32(), model: 'rakis-test/lm-mini', sig: bytesToHex(randomBytes(random, 64)) }],
    },
    { type: 'reveal', requestId, inferenceId: hex32(), output: 'blue', bEmbedding: bytesToHex(randomBytes(random, 16)), salt: hex32() },
    { type: 'revealRejection', requestId, inferenceId: hex32(), reason: 'commitment-mismatch', detail: 'no' },
    { type: 'consensus', requestId, outcome: 'decided', listHash: hex32(), validInferenceIds: [hex32()], chosenInferenceId: hex32(), resultHash: hex32() },
    { type: 'consensus', requestId, outcome: 'failed', reason: 'cluster-too-small' },
    { type: 'hello', role: 'worker', models: ['rakis-test/lm-mini'], embeddingModels: ['rakis-test/encoder-mini'], tokensServed: 0, client: 'rakis-elements/0.1' },
    { type: 'status', role: 'observer', models: [], embeddingModels: [], tokensServed: 12, client: 'x' },
    { type: 'knownPeers', peers: [{ synthientId: bob.synthientId, models: ['m'], lastSeen: NOW }] },
  ];
}

const decode = (bytes: Uint8Array, now = NOW) => decodePacket(bytes, { now });
const rawBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

test('bytesToHex spells every byte as noble does, lowercase, at every length', () => {
  const random = seededRandom(7);
  for (const length of [0, 1, 8, 32, 64, 255, 4096]) {
    const bytes = randomBytes(random, length);
    expect(bytesToHex(bytes)).toBe(nobleBytesToHex(bytes));
  }
  expect(bytesToHex(Uint8Array.from([0, 15, 16, 255]))).toBe('000f10ff');
});

describe('canonical encoding', () => {
  test('is independent of key order and whitespace-free', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, 'x'] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 0.1 })).toBe('{"a":0.1,"b":1}');
    expect(canonicalJson({ a: undefined, b: true })).toBe('{"b":true}');
  });
  test('refuses values that have no single JSON spelling', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0))).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
  });
  test('a re-ordered packet on the wire decodes to the same id and still verifies', () => {
    const packet = signPacket(alice, sampleBodies()[7]!, NOW);
    const reordered = { sig: packet.sig, body: { ...packet.body }, createdAt: packet.createdAt, from: packet.from, v: packet.v };
    const result = decode(rawBytes(reordered));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.id).toBe(packetId(packet));
    expect(verifyPacket(result.packet)).toBe(true);
  });
});

describe('identity', () => {
  test('exports and imports', () => {
    const exported = exportIdentity(alice);
    expect(exported.synthientId).toMatch(/^[0-9a-f]{64}$/);
    expect(importIdentity(exported).synthientId).toBe(alice.synthientId);
    expect(importIdentity(exported.secretKey).synthientId).toBe(alice.synthientId);
  });
  test('rejects bad keys and mismatched ids with a typed error', () => {
    expect(() => importIdentity('zz')).toThrow(IdentityError);
    expect(() => importIdentity({ ...exportIdentity(alice), synthientId: bob.synthientId })).toThrow(IdentityError);
  });
});

describe('packets', () => {
  test('every packet type round-trips and verifies', async () => {
    for (const body of sampleBodies()) {
      const packet = signPacket(alice, body, NOW);
      const result = decode(encodePacket(packet));
      expect(result, body.type).toMatchObject({ ok: true });
      if (!result.ok) continue;
      expect(result.packet).toEqual(packet);
      expect(result.id).toBe(packetId(packet));
      expect(result.signed).toEqual(signedBytes(packet));
      expect(verifyPacket(result.packet)).toBe(true);
      expect(await verifyPacketAsync(result.packet)).toBe(true);
      expect(await verifyPacketAsync(result.packet, result.signed)).toBe(true);
    }
  });

  test('the signed bytes decoding hands over are what the signature check checks', async () => {
    const packet = signPacket(alice, sampleBodies()[7]!, NOW);
    const other = signPacket(alice, sampleBodies()[6]!, NOW);
    expect(await verifyPacketAsync(packet, signedBytes(other))).toBe(false);
    expect(await verifyPacketAsync(other, signedBytes(other))).toBe(true);
  });

  test('a signature by another key fails', async () => {
    const packet = signPacket(alice, sampleBodies()[7]!, NOW);
    const claimed = { ...packet, from: bob.synthientId };
    expect(verifyPacket(claimed)).toBe(false);
    expect(await verifyPacketAsync(claimed)).toBe(false);
  });

  test('tampering with any field fails decoding or verification', async () => {
    for (const body of sampleBodies()) {
      const packet = signPacket(alice, body, NOW);
      for (const mutant of mutations(packet)) {
        const result = decode(encodePacket(mutant as Packet));
        if (result.ok) {
          expect(verifyPacket(result.packet), JSON.stringify(mutant).slice(0, 200)).toBe(false);
          expect(await verifyPacketAsync(result.packet)).toBe(false);
        }
      }
    }
  });

  test('each malformed class is dropped with its reason, never thrown', () => {
    const good = signPacket(alice, sampleBodies()[7]!, NOW);
    const cases: [string, Uint8Array, number?][] = [
      ['too-large', new Uint8Array(LIMITS.packetBytes + 1)],
      ['not-utf8', Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)],
      ['not-json', new TextEncoder().encode('{"v":1,')],
      ['bad-envelope', rawBytes([1, 2, 3])],
      ['bad-envelope', rawBytes(null)],
      ['bad-envelope', rawBytes({ ...good, from: 'abc' })],
      ['bad-envelope', rawBytes({ ...good, from: good.from.toUpperCase() })],
      ['bad-envelope', rawBytes({ ...good, createdAt: 1.5 })],
      ['bad-envelope', rawBytes({ ...good, sig: undefined })],
      ['bad-envelope', rawBytes({ ...good, extra: 1 })],
      ['unsupported-version', rawBytes({ ...good, v: 2 })],
      ['bad-body', rawBytes({ ...good, body: { type: 'nonsense' } })],
      ['bad-body', rawBytes({ ...good, body: { ...good.body, sneaky: true } })],
      ['bad-body', rawBytes({ ...good, body: { ...good.body, tokensServed: -1 } })],
      ['bad-body', rawBytes({ ...good, body: { ...good.body, models: Array(LIMITS.advertisedModels + 1).fill('m') } })],
      ['bad-body', rawBytes({ ...good, body: { ...good.body, models: ['a', 'a'] } })],
      ['bad-body', rawBytes({ ...good, body: { ...good.body, client: 'x'.repeat(LIMITS.clientChars + 1) } })],
      ['bad-body', rawBytes({ ...good, body: { ...good.body, role: 'king' } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, prompt: 'x'.repeat(LIMITS.promptChars + 1) } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, securityFrame: { ...frame, embeddingModel: 'no/such-model' } } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, securityFrame: { ...frame, embeddingDims: 96 } } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, securityFrame: { ...frame, secPercentage: 0 } } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, securityFrame: { ...frame, quorum: 0 } } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, acceptedModels: [] } })],
      ['bad-body', rawBytes({ ...good, body: { ...sampleBodies()[3]!, bEmbedding: 'ab'.repeat(15) } })],
      ['bad-body', rawBytes({ ...good, body: { ...sampleBodies()[3]!, salt: 'AB'.repeat(32) } })],
      ['bad-body', rawBytes({ ...good, body: { ...sampleBodies()[3]!, output: 7 } })],
      ['bad-body', rawBytes({ ...good, body: { ...sampleBodies()[3]!, output: 'x'.repeat(LIMITS.outputChars + 1) } })],
      ['bad-body', rawBytes({ ...good, body: { ...sampleBodies()[2]!, commits: [] } })],
      ['bad-body', rawBytes({ ...good, body: { ...sampleBodies()[4]!, reason: 'because' } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, securityFrame: { ...frame, secPercentage: 0.00004 } } })],
      ['bad-body', rawBytes({ ...good, body: { ...request.body, securityFrame: { ...frame, secPercentage: 0.94001 } } })],
      ['duplicate-key', new TextEncoder().encode(new TextDecoder().decode(encodePacket(good)).replace('{"body":{', '{"body":{"role":"observer",'))],
      ['duplicate-key', new TextEncoder().encode(new TextDecoder().decode(encodePacket(good)).replace('"v":1', '"v":1,"\\u0076":1'))],
      ['lone-surrogate', rawBytes({ ...good, body: { ...good.body, client: '\ud800' } })],
      ['bad-request-id', rawBytes({ ...signPacket(alice, request.body, NOW + 1) })],
      ['stale', encodePacket(good), NOW + 16 * 60_000],
      ['future', encodePacket(good), NOW - 60_000],
    ];
    for (const [reason, bytes, now] of cases) {
      const result = decode(bytes, now);
      expect(result.ok, reason).toBe(false);
      if (!result.ok) {
        expect(result.reason).toBe(reason);
        expect(result.detail.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('commitments', () => {
  const output = 'Blue.';
  const bEmbedding = randomBytes(random, 16);
  const salt = randomBytes(random, 32);
  const commitment = computeCommitment({ requestId, synthientId: bob.synthientId, output, bEmbedding, salt });
  const reveal = { requestId, synthientId: bob.synthientId, output, bEmbedding: bytesToHex(bEmbedding), salt: bytesToHex(salt) };

  test('a reveal opens its own commitment', () => {
    expect(revealMatchesCommitment(commitment, reveal)).toBe(true);
  });
  test('changing the output, embedding, salt, committer or request breaks it', () => {
    const flipped = bEmbedding.slice();
    flipped[0]! ^= 1;
    expect(revealMatchesCommitment(commitment, { ...reveal, output: 'Blue' })).toBe(false);
    expect(revealMatchesCommitment(commitment, { ...reveal, bEmbedding: bytesToHex(flipped) })).toBe(false);
    expect(revealMatchesCommitment(commitment, { ...reveal, salt: hex32() })).toBe(false);
    expect(revealMatchesCommitment(commitment, { ...reveal, synthientId: alice.synthientId })).toBe(false);
    expect(revealMatchesCommitment(commitment, { ...reveal, requestId: hex32() })).toBe(false);
  });
  test('a copied commitment is worthless: the copier cannot open it under its own id', () => {
    expect(revealMatchesCommitment(commitment, { ...reveal, synthientId: alice.synthientId })).toBe(false);
    expect(computeInferenceId(requestId, alice.synthientId, commitment)).not.toBe(computeInferenceId(requestId, bob.synthientId, commitment));
  });
  test('the same prompt sent twice is two requests', () => {
    const again = signRequest(alice, { ...request.body, securityFrame: frame }, NOW + 1);
    expect(again.body.requestId).not.toBe(requestId);
  });
});

describe('security frames', () => {
  test('explain what is wrong', () => {
    expect(checkSecurityFrame(frame)).toBeUndefined();
    expect(checkSecurityFrame({ ...frame, embeddingModel: 'nope/nope' })).toMatch(/not a known embedding model/);
    expect(checkSecurityFrame({ ...frame, embeddingDims: 64 })).toBeUndefined();
    expect(checkSecurityFrame({ ...frame, embeddingDims: 72 })).toMatch(/Matryoshka/);
    expect(checkSecurityFrame({ ...frame, secDistance: 1.5 })).toMatch(/secDistance must be at most 1/);
    expect(checkSecurityFrame({ ...frame, maxTimeMs: 10 })).toMatch(/maxTimeMs/);
    // Values the integer thresholds would round are refused, so the cluster needed is the one asked for (and at least 1).
    expect(checkSecurityFrame({ ...frame, secPercentage: 0.94001 })).toMatch(/secPercentage .* more than 4 decimal places/);
    expect(checkSecurityFrame({ ...frame, secPercentage: 0.00004 })).toMatch(/more than 4 decimal places/);
    expect(checkSecurityFrame({ ...frame, secDistance: 0.123456 })).toMatch(/secDistance .* more than 4 decimal places/);
    expect(checkSecurityFrame({ ...frame, secPercentage: 0.0001, secDistance: 0.66 })).toBeUndefined();
  });
});

/** Every single-leaf change of a packet except to its signature: strings, numbers and booleans altered. */
function mutations(packet: Packet): unknown[] {
  const out: unknown[] = [];
  const visit = (value: unknown, replace: (next: unknown) => unknown) => {
    if (typeof value === 'string') {
      const changed = value.length > 0 ? (value[0] === 'a' ? 'b' : 'a') + value.slice(1) : 'a';
      out.push(replace(changed));
    } else if (typeof value === 'number') out.push(replace(value + 1));
    else if (Array.isArray(value)) value.forEach((item, i) => visit(item, (next) => replace(value.map((v, j) => (j === i ? next : v)))));
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, (next) => replace({ ...value, [key]: next }));
    }
  };
  const { sig, ...rest } = packet;
  visit(rest, (next) => ({ ...(next as object), sig }));
  return out;
}
