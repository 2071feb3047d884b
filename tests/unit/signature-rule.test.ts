import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  bytesToHex,
  computeInferenceId,
  createIdentity,
  encodePacket,
  hexToBytes,
  signPacket,
  signRequest,
  utf8ToBytes,
  verifyPacket,
  verifyPacketAsync,
  type BodyOf,
  type Packet,
} from '../../src/protocol/index.js';
import { isAcceptablePublicKey, PUBLIC_KEY_CACHE_SIZE, verifySignature, verifySignatureAsync } from '../../src/protocol/signature-rule.js';
import { memoizedVerifier } from '../../tools/sim/memo-verify.js';
import { verifyPacketNative, verifySignatureNative } from '../../tools/sim/native-verify.js';
import { byzantinePacket, forgeUnderSplitKey, SPLIT_KEY } from '../../testkit/byzantine-ed25519.js';
import { CCTV_RULE_ACCEPTS, cctvVerdicts, honestVerdicts, nativeVerify, type CctvVector } from '../../testkit/cctv-ed25519.js';

// C2SP CCTV's 914 Ed25519 edge-case vectors (tests/data/cctv-ed25519/): the rule accepts exactly the
// one vector with no edge-case flag, with native WebCrypto and with the pure fallback alike. The
// browser tests (tests/browser/signature-rule*.test.ts) check the same list in Chromium and Firefox.
const vectors: CctvVector[] = JSON.parse(readFileSync(new URL('../data/cctv-ed25519/ed25519vectors.json', import.meta.url), 'utf8'));

const NOW = 1_800_000_000_000;
const hello: BodyOf<'hello'> = { type: 'hello', role: 'observer', models: [], embeddingModels: [], tokensServed: 0, client: 'byzantine' };

afterEach(() => {
  vi.restoreAllMocks();
  vi.resetModules();
});

describe('the rule on the CCTV vectors', () => {
  test('the file is whole, and the rule accepts exactly the vectors with no edge-case flag', () => {
    expect(vectors).toHaveLength(914);
    expect(vectors.filter((vector) => !vector.flags?.length).map((vector) => vector.number)).toEqual(CCTV_RULE_ACCEPTS);
  });

  test('Node: the same verdicts with native WebCrypto and with the pure rule', async () => {
    const verdicts = await cctvVerdicts(vectors);
    // Native WebCrypto alone (OpenSSL) accepts many more: recorded for the README.
    expect(verdicts.nativeRaw).not.toBeNull();
    console.info(`Node ${process.version} CCTV: WebCrypto raw ${verdicts.nativeRaw!.length}, rule (pure) ${verdicts.rulePure.length}, rule (WebCrypto) ${verdicts.ruleNative.length} of ${vectors.length}`);
    expect(verdicts.rulePure).toEqual(CCTV_RULE_ACCEPTS);
    expect(verdicts.ruleNative).toEqual(CCTV_RULE_ACCEPTS);
    expect(await honestVerdicts(32)).toEqual({ pure: 32, native: 32, tamperedPure: 0, tamperedNative: 0 });
    // Whatever the rule accepts, native WebCrypto accepts too: the pre-checks only ever take away.
    expect(CCTV_RULE_ACCEPTS.every((n) => verdicts.nativeRaw!.includes(n))).toBe(true);
  });

  test("the simulator's synchronous native path (Node's OpenSSL after the pre-checks) gives the same verdicts", () => {
    const accepted = vectors.filter((vector) => verifySignatureNative(hexToBytes(vector.sig), utf8ToBytes(vector.msg), hexToBytes(vector.key))).map((vector) => vector.number);
    expect(accepted).toEqual(CCTV_RULE_ACCEPTS);
    const packet = signPacket(createIdentity(), hello, NOW);
    expect(verifyPacketNative(packet)).toBe(true);
    expect(verifyPacketNative({ ...packet, createdAt: NOW + 1 })).toBe(false);
    expect(verifyPacketNative(byzantinePacket(hello, NOW))).toBe(false);
  });

  test('Node without WebCrypto Ed25519: the fallback gives the same verdicts', async () => {
    const notSupported = () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
    vi.spyOn(crypto.subtle, 'importKey').mockImplementation(notSupported);
    vi.spyOn(crypto.subtle, 'verify').mockImplementation(notSupported);
    // A fresh copy of the rule, which has not yet seen WebCrypto work.
    vi.resetModules();
    const rule = await import('../../src/protocol/signature-rule.js');
    const accepted: number[] = [];
    for (const vector of vectors) {
      if (await rule.verifySignatureAsync(hexToBytes(vector.sig), utf8ToBytes(vector.msg), hexToBytes(vector.key))) accepted.push(vector.number);
    }
    expect(rule.nativeEd25519Support()).toBe('no');
    expect(accepted).toEqual(CCTV_RULE_ACCEPTS);
    expect(await nativeVerify(vectors[0]!)).toBeNull();
  });
});

describe('the rule on honest and byzantine signatures', () => {
  test('honest packets verify on every path, tampered ones on none', async () => {
    const memo = memoizedVerifier();
    for (let i = 0; i < 20; i++) {
      const identity = createIdentity();
      const packet = signPacket(identity, { ...hello, tokensServed: i }, NOW + i);
      expect(verifyPacket(packet)).toBe(true);
      expect(await verifyPacketAsync(packet)).toBe(true);
      expect(memo(packet)).toBe(true);
      const tampered = { ...packet, createdAt: packet.createdAt + 1 };
      expect(verifyPacket(tampered)).toBe(false);
      expect(await verifyPacketAsync(tampered)).toBe(false);
      expect(memo(tampered)).toBe(false);
    }
  });

  test('S must be reduced: S + L is rejected though the group equation still holds', () => {
    const identity = createIdentity();
    const packet = signPacket(identity, hello, NOW);
    const sig = hexToBytes(packet.sig);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    s += 2n ** 252n + 27742317777372353535851937790883648493n;
    for (let i = 32; i < 64; i++, s >>= 8n) sig[i] = Number(s & 0xffn);
    expect(verifyPacket({ ...packet, sig: bytesToHex(sig) })).toBe(false);
  });

  test('a packet under the split key: native WebCrypto alone accepts it, the rule rejects it everywhere', async () => {
    const packet = byzantinePacket(hello, NOW);
    // [k]O = O: the forged signature even "verifies" over any other message.
    expect(await nativeVerify({ number: -1, key: SPLIT_KEY, sig: packet.sig, msg: 'other', flags: [] })).toBe(true);
    const key = await crypto.subtle.importKey('raw', hexToBytes(SPLIT_KEY), { name: 'Ed25519' }, false, ['verify']);
    const { signedBytes } = await import('../../src/protocol/envelope.js');
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, hexToBytes(packet.sig), signedBytes(packet))).toBe(true);
    expect(isAcceptablePublicKey(SPLIT_KEY)).toBe(false);
    expect(verifyPacket(packet)).toBe(false);
    expect(await verifyPacketAsync(packet)).toBe(false);
    expect(memoizedVerifier()(packet)).toBe(false);
    const message = utf8ToBytes('any message');
    expect(verifySignature(forgeUnderSplitKey(message), message, hexToBytes(SPLIT_KEY))).toBe(false);
    expect(await verifySignatureAsync(forgeUnderSplitKey(message), message, hexToBytes(SPLIT_KEY))).toBe(false);
  });

  test('key verdicts are cached in a bounded cache and stay correct after eviction', () => {
    const honest = createIdentity();
    expect(isAcceptablePublicKey(honest.synthientId)).toBe(true);
    for (let i = 0; i < PUBLIC_KEY_CACHE_SIZE + 10; i++) {
      const key = new Uint8Array(32);
      key[0] = i & 0xff;
      key[1] = i >> 8;
      key[2] = 7;
      isAcceptablePublicKey(key);
    }
    expect(isAcceptablePublicKey(honest.synthientId)).toBe(true);
    expect(isAcceptablePublicKey(SPLIT_KEY)).toBe(false);
  });
});

describe('the rule on replay from the store', () => {
  test('a reloaded node replays stored packets only if they pass the rule', async () => {
    const { createMemoryStore } = await import('../../src/store/index.js');
    const { SimNet } = await import('../support/sim-net.js');
    const { securityFrame } = await import('../../src/node/index.js');
    const net = new SimNet();
    const now = net.clock.now();
    const asker = createIdentity();
    const honest = createIdentity();
    const request = signRequest(
      asker,
      { prompt: 'Why is the sky blue?', acceptedModels: ['rakis-test/lm-mini'], maxTokens: 64, temperature: 0, securityFrame: securityFrame('balanced', { maxTimeMs: 60_000 }, 'rakis-test/encoder-mini') },
      now,
    );
    const { requestId } = request.body;
    const commitBy = (synthientId: string): BodyOf<'commit'> => {
      const commitment = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
      return { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, synthientId, commitment), commitment, model: 'rakis-test/lm-mini' };
    };
    const wire = (packet: Packet) => new TextDecoder().decode(encodePacket(packet));
    const store = createMemoryStore();
    await store.saveQuorum({
      requestId,
      packets: [
        { wire: wire(request), receivedAt: now },
        { wire: wire(signPacket(honest, commitBy(honest.synthientId), now + 100)), receivedAt: now + 150 },
        { wire: wire(byzantinePacket(commitBy(SPLIT_KEY), now + 100)), receivedAt: now + 150 },
      ],
      updatedAt: now + 150,
    });
    const node = await net.add({ store });
    await node.start();
    const committers = node.quorum(requestId)?.commits.map((commit) => commit.from);
    expect(committers).toEqual([honest.synthientId]);
    await node.stop();
  });
});

describe('the rule on reveal-list entries', () => {
  test('a list whose entry is signed under the split key is refused as bad-entry-signature', async () => {
    const { QuorumNet, T0 } = await import('../support/quorum-net.js');
    const net = new QuorumNet();
    net.add('requester');
    net.add('observer');
    const { requestId } = net.request.body;
    const commitment = bytesToHex(new Uint8Array(32).fill(7));
    const forged = byzantinePacket({ type: 'commit', requestId, inferenceId: computeInferenceId(requestId, SPLIT_KEY, commitment), commitment, model: 'rakis-test/lm-mini' }, T0 + 1_000);
    const real = [9, 10].map((fill) => {
      const honest = createIdentity();
      const c = bytesToHex(new Uint8Array(32).fill(fill));
      return signPacket(honest, { type: 'commit', requestId, inferenceId: computeInferenceId(requestId, honest.synthientId, c), commitment: c, model: 'rakis-test/lm-mini' }, T0 + 1_000);
    });
    // Sorted by commitment, as lists are: the forged entry (07…) comes first.
    const entries = [forged, ...real].map((c) => ({ from: c.from, createdAt: c.createdAt, inferenceId: c.body.inferenceId, commitment: c.body.commitment, model: c.body.model, sig: c.sig }));
    net.advanceTo(T0 + 11_500);
    net.broadcast(signPacket(net.requester, { type: 'revealRequest', requestId, commits: entries }, T0 + 11_500), 'observer');
    expect(net.eventsOf('observer', 'reveal-list-rejected')).toEqual([expect.objectContaining({ reason: 'bad-entry-signature', detail: expect.stringMatching(/entry 0/) })]);
  });
});
