import { encodeFrame, FRAME_MARKER } from '../../src/network/frame.js';
import {
  canonicalBytes,
  computeInferenceId,
  encodePacket,
  LIMITS,
  signPacket,
  signRequest,
  type Identity,
  type Packet,
  type PacketBody,
} from '../../src/protocol/index.js';
import { randomBytes, randomHex } from '../../testkit/random.js';

/**
 * Hostile inbound messages for fuzzing a node: each call of `next()` returns the bytes one transport
 * message would carry, drawn from a seeded mix of random bytes, truncated and mutated packets, bad
 * envelopes, bad bodies, huge and wrongly typed fields, frames (valid and broken), replays, and
 * packets validly signed by a small pool of identities whose content is nonsense.
 */
export class PacketFuzzer {
  /** Validly signed packets produced so far (replayed and mutated later). */
  private readonly signed: Uint8Array[] = [];
  private signatures = 0;
  readonly counts = new Map<string, number>();

  constructor(
    private readonly random: () => number,
    private readonly signers: readonly Identity[],
    private readonly now: () => number,
    /** Real signatures are slow (~2 ms each): at most this many are made. */
    private readonly maxSignatures = 600,
  ) {}

  next(): Uint8Array {
    const roll = this.random();
    const [kind, make] = this.pick(roll);
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return make();
  }

  private pick(roll: number): [string, () => Uint8Array] {
    if (roll < 0.12) return ['random-bytes', () => this.randomBytes()];
    if (roll < 0.2) return ['truncated', () => this.truncated()];
    if (roll < 0.35) return ['bad-envelope', () => this.json(this.badEnvelope())];
    if (roll < 0.55) return ['bad-body', () => this.json(this.withBody(this.badBody()))];
    if (roll < 0.6) return ['huge-field', () => this.json(this.withBody(this.hugeBody()))];
    if (roll < 0.72) return ['mutated-signed', () => this.mutated()];
    if (roll < 0.8) return ['replay', () => this.replay()];
    if (roll < 0.86) return ['frame', () => this.frame()];
    if (roll < 0.9) return ['wrong-time', () => this.json(this.withBody(this.plausibleBody(), this.now() + (this.random() < 0.5 ? 1 : -1) * 3_600_000))];
    if (roll < 0.95 && this.signatures < this.maxSignatures) return ['signed-nonsense', () => this.signedNonsense()];
    return ['forged-signature', () => this.json(this.withBody(this.plausibleBody()))];
  }

  private int(max: number): number {
    return Math.floor(this.random() * max);
  }

  private hex(bytes: number): string {
    return randomHex(this.random, bytes);
  }

  private json(value: unknown): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(value));
  }

  private randomBytes(): Uint8Array {
    const bytes = randomBytes(this.random, this.int(600));
    // Some look like the start of a frame or a JSON object, to get past the first check.
    if (bytes.length > 0 && this.random() < 0.3) bytes[0] = this.random() < 0.5 ? FRAME_MARKER : 0x7b;
    return bytes;
  }

  private truncated(): Uint8Array {
    const bytes = this.signed.length > 0 ? this.signed[this.int(this.signed.length)]! : this.json(this.withBody(this.plausibleBody()));
    return bytes.slice(0, this.int(bytes.length));
  }

  /** An envelope around a plausible body, unsigned (random signature): only the signature is wrong. */
  private withBody(body: unknown, createdAt = this.now()): Record<string, unknown> {
    return { v: 1, from: this.signers[this.int(this.signers.length)]!.synthientId, createdAt, body, sig: this.hex(64) };
  }

  private badEnvelope(): unknown {
    const packet = this.withBody(this.plausibleBody());
    const wrongValues = [null, true, -1, 1.5, 2 ** 60, '', 'x'.repeat(this.int(200)), [], {}, [1, 2], { a: 1 }, 'ABCDEF', '0x12'];
    switch (this.int(7)) {
      case 0:
        return wrongValues[this.int(wrongValues.length)];
      case 1:
        return { ...packet, v: [0, 2, '1', 1.0000001, null][this.int(5)] };
      case 2:
        return { ...packet, extra: this.hex(4) };
      case 3: {
        const field = ['v', 'from', 'createdAt', 'body', 'sig'][this.int(5)]!;
        const copy: Record<string, unknown> = { ...packet };
        if (this.random() < 0.5) delete copy[field];
        else copy[field] = wrongValues[this.int(wrongValues.length)];
        return copy;
      }
      case 4:
        return { ...packet, from: this.hex(31), sig: this.hex(63) };
      case 5:
        return [packet];
      default:
        return { ...packet, createdAt: `${packet.createdAt}` };
    }
  }

  /** A body of a known type with one field broken: wrong type, out of range, missing, or extra. */
  private badBody(): unknown {
    const body = this.plausibleBody() as unknown as Record<string, unknown>;
    const keys = Object.keys(body);
    const key = keys[this.int(keys.length)]!;
    const wrongValues = [null, 42, -7, 1e300, 'zz', 'A'.repeat(64), [], {}, [this.hex(32)], { nested: { deeper: [1] } }, true];
    const copy: Record<string, unknown> = { ...body };
    const roll = this.int(4);
    if (roll === 0) delete copy[key];
    else if (roll === 1) copy[`x${this.hex(2)}`] = 1;
    else if (roll === 2) copy.type = ['commit', 'reveal', 'nope', 'inferenceRequest', 'consensus', 'hello'][this.int(6)];
    else copy[key] = wrongValues[this.int(wrongValues.length)];
    return copy;
  }

  /** Fields past their limits: long strings, long arrays, deep nesting. */
  private hugeBody(): unknown {
    switch (this.int(5)) {
      case 0:
        return { ...this.requestBody(), prompt: 'p'.repeat(LIMITS.promptChars + 1 + this.int(1000)) };
      case 1:
        return { type: 'reveal', requestId: this.hex(32), inferenceId: this.hex(32), output: 'o'.repeat(LIMITS.outputChars + 1), bEmbedding: this.hex(16), salt: this.hex(32) };
      case 2:
        return { type: 'knownPeers', peers: Array.from({ length: LIMITS.knownPeers + 1 + this.int(100) }, () => ({ synthientId: this.hex(32), models: [], lastSeen: 1 })) };
      case 3: {
        // Nesting deeper than any shape allows (and deep enough to stress a recursive walker).
        let value: unknown = 1;
        for (let i = 0; i < 2_000; i++) value = [value];
        return { type: 'status', role: 'worker', models: value, embeddingModels: [], tokensServed: 0, client: '' };
      }
      default:
        // Over the packet size limit as a whole.
        return { type: 'reveal', requestId: this.hex(32), inferenceId: this.hex(32), output: 'o'.repeat(LIMITS.packetBytes), bEmbedding: this.hex(16), salt: this.hex(32) };
    }
  }

  private requestBody(): Omit<Extract<PacketBody, { type: 'inferenceRequest' }>, 'requestId'> & { type: 'inferenceRequest'; requestId: string } {
    return {
      type: 'inferenceRequest',
      requestId: this.hex(32),
      prompt: `fuzz ${this.hex(4)}`,
      acceptedModels: ['rakis-test/lm-mini'],
      temperature: 0,
      maxTokens: 16,
      securityFrame: { quorum: 2, maxTimeMs: 2_000 + this.int(10_000), secDistance: 0.2, secPercentage: 0.66, embeddingModel: 'rakis-test/encoder-mini' },
    };
  }

  /** A well-formed body of a random type about requests nobody made. */
  private plausibleBody(): PacketBody {
    const requestId = this.hex(32);
    const commitment = this.hex(32);
    const bodies: (() => PacketBody)[] = [
      () => ({ type: 'commit', requestId, inferenceId: this.hex(32), commitment, model: 'rakis-test/lm-mini' }),
      () => ({ type: 'reveal', requestId, inferenceId: this.hex(32), output: `o ${this.hex(8)}`, bEmbedding: this.hex(16), salt: this.hex(32) }),
      () => ({ type: 'revealRejection', requestId, inferenceId: this.hex(32), reason: 'late' }),
      () => ({ type: 'consensus', requestId, outcome: 'failed', reason: 'no-reveals' }),
      () => ({ type: 'consensus', requestId, outcome: 'decided', listHash: this.hex(32), validInferenceIds: [this.hex(32)], chosenInferenceId: this.hex(32), resultHash: this.hex(32) }),
      () => ({
        type: 'revealRequest',
        requestId,
        commits: [{ from: this.hex(32), createdAt: this.now(), inferenceId: this.hex(32), commitment, model: 'rakis-test/lm-mini', sig: this.hex(64) }],
      }),
      () => ({ type: 'status', role: 'observer', models: [], embeddingModels: [], tokensServed: this.int(1000), client: 'fuzz' }),
      () => ({ type: 'knownPeers', peers: [{ synthientId: this.hex(32), models: [], lastSeen: this.now() }] }),
    ];
    return bodies[this.int(bodies.length)]!();
  }

  /** Validly signed by a pool identity: passes every check, and means nothing (or asks for work). */
  private signedNonsense(): Uint8Array {
    this.signatures++;
    const signer = this.signers[this.int(this.signers.length)]!;
    let packet: Packet;
    if (this.random() < 0.15) {
      const { type: _type, requestId: _id, ...request } = this.requestBody();
      packet = signRequest(signer, request, this.now());
    } else {
      const body = this.plausibleBody();
      if (body.type === 'commit') body.inferenceId = computeInferenceId(body.requestId, signer.synthientId, body.commitment);
      packet = signPacket(signer, body, this.now());
    }
    const bytes = encodePacket(packet);
    this.signed.push(bytes);
    return bytes;
  }

  private replay(): Uint8Array {
    if (this.signed.length === 0) return this.randomBytes();
    return this.signed[this.int(this.signed.length)]!.slice();
  }

  /** A signed packet with one byte changed, or re-keyed JSON with one value changed under its signature. */
  private mutated(): Uint8Array {
    if (this.signed.length === 0) return this.randomBytes();
    const original = this.signed[this.int(this.signed.length)]!;
    if (this.random() < 0.5) {
      const bytes = original.slice();
      bytes[this.int(bytes.length)] = this.int(256);
      return bytes;
    }
    const packet = JSON.parse(new TextDecoder().decode(original)) as Packet;
    const tampered = { ...packet, createdAt: packet.createdAt + 1 + this.int(5) };
    return this.random() < 0.5 ? canonicalBytes(tampered) : this.json(tampered);
  }

  private frame(): Uint8Array {
    const parts = Array.from({ length: 1 + this.int(6) }, () => (this.random() < 0.5 ? this.replay() : this.json(this.withBody(this.badBody()))));
    const frame = encodeFrame(parts);
    if (this.random() < 0.3) {
      // A broken frame: a length running past the end, or cut short.
      const view = new DataView(frame.buffer);
      if (this.random() < 0.5) view.setUint32(1, frame.length * 2);
      else return frame.slice(0, Math.max(2, this.int(frame.length)));
    }
    return frame;
  }
}
