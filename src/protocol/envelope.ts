import { bytesToHex, hexToBytes, sha256Hex, utf8Decode } from './bytes.js';
import { jsonTextProblem } from './json-text.js';
import { canonicalBytes } from './canonical.js';
import { computeRequestId } from './commitment.js';
import { signBytes, verifyBytes, type Identity } from './identity.js';
import { verifySignatureAsync } from './signature-rule.js';
import { LIMITS, PROTOCOL_VERSION, TIME_WINDOW } from './limits.js';
import type { BodyOf, Packet, PacketBody, PacketType } from './packets.js';
import { checkBody, checkEnvelopeFields } from './validate.js';

/** Why an inbound packet was dropped before it reached the protocol. */
export type DecodeDropReason =
  | 'too-large'
  | 'not-utf8'
  | 'not-json'
  | 'duplicate-key'
  | 'lone-surrogate'
  | 'bad-envelope'
  | 'unsupported-version'
  | 'bad-body'
  | 'bad-request-id'
  | 'stale'
  | 'future';

export type DecodeResult =
  /** `signed`: the packet's signed bytes, which its id hashes, for the signature check to reuse. */
  | { ok: true; packet: Packet; id: string; signed: Uint8Array }
  /** A packet refused only for its time (`stale`, `future`) comes with it, so a receiver can learn how far its clock is off. */
  | { ok: false; reason: DecodeDropReason; detail: string; packet?: Packet };

export interface DecodeOptions {
  /** Receiver's clock, ms since the epoch. */
  now: number;
  maxBytes?: number;
  futureSkewMs?: number;
  maxAgeMs?: number;
}

/** The bytes a signature covers and a packet id hashes: canonical JSON of everything but `sig`. */
export function signedBytes(packet: Omit<Packet, 'sig'>): Uint8Array<ArrayBuffer> {
  return canonicalBytes({ v: packet.v, from: packet.from, createdAt: packet.createdAt, body: packet.body });
}

/** Ids already computed, by packet object: a packet decoded once is hashed once, however many rooms name it. */
const knownIds = new WeakMap<object, string>();

/**
 * Packet id: hex SHA-256 of the signed bytes (ed25519 signatures are deterministic, so this names the
 * packet). Packets are never changed in place, so the id is remembered per packet object. `signed`:
 * the packet's signed bytes when the caller has them already (`decodePacket` returns them).
 */
export function packetId(packet: Omit<Packet, 'sig'>, signed?: Uint8Array): string {
  let id = knownIds.get(packet);
  if (id === undefined) knownIds.set(packet, (id = sha256Hex(signed ?? signedBytes(packet))));
  return id;
}

/** The short id digests name a packet by: the first 8 bytes of its packet id (second preimages stay out of reach). */
export function shortPacketId(id: string): string {
  return id.slice(0, 16);
}

export function signPacket<B extends PacketBody>(identity: Identity, body: B, createdAt: number): Packet<B> {
  const unsigned = { v: PROTOCOL_VERSION, from: identity.synthientId, createdAt, body } as const;
  return { ...unsigned, sig: bytesToHex(signBytes(signedBytes(unsigned), identity.secretKey)) };
}

/**
 * Builds and signs an inference request, filling in its `requestId` (which hashes the sender and time,
 * so the same prompt sent twice is two requests).
 */
export function signRequest(
  identity: Identity,
  request: Omit<BodyOf<'inferenceRequest'>, 'requestId' | 'type'>,
  createdAt: number,
): Packet<BodyOf<'inferenceRequest'>> {
  const fields = { type: 'inferenceRequest' as const, ...request };
  const requestId = computeRequestId(fields, identity.synthientId, createdAt);
  return signPacket(identity, { ...fields, requestId }, createdAt);
}

export function encodePacket(packet: Packet): Uint8Array {
  return canonicalBytes(packet);
}

export function verifyPacket(packet: Packet): boolean {
  return verifyBytes(hexToBytes(packet.sig), signedBytes(packet), hexToBytes(packet.from));
}

/**
 * The same rule as `verifyPacket` (`signature-rule.ts`), with the curve equation done by the
 * platform's native Ed25519 (WebCrypto) where it exists, many times faster than JavaScript curve
 * arithmetic, and only after the rule's pre-checks, so the verdict is the same in every browser.
 */
export async function verifyPacketAsync(packet: Packet, signed?: Uint8Array): Promise<boolean> {
  try {
    return await verifySignatureAsync(hexToBytes(packet.sig), signed ?? signedBytes(packet), hexToBytes(packet.from));
  } catch {
    return false;
  }
}

/**
 * Parses and validates wire bytes: size, UTF-8, JSON, envelope shape, version, body shape, derived
 * request id, and `createdAt` within the clock window. It does not check the signature (see
 * `verifyPacket`), so a receiver can drop cheap failures before paying for curve arithmetic.
 * Never throws.
 */
export function decodePacket(bytes: Uint8Array, options: DecodeOptions): DecodeResult {
  const maxBytes = options.maxBytes ?? LIMITS.packetBytes;
  if (bytes.length > maxBytes) return { ok: false, reason: 'too-large', detail: `${bytes.length} bytes > ${maxBytes}` };
  const text = utf8Decode(bytes);
  if (text === undefined) return { ok: false, reason: 'not-utf8', detail: 'invalid UTF-8' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not-json', detail: 'not valid JSON' };
  }
  const textProblem = jsonTextProblem(text);
  if (textProblem) return { ok: false, ...textProblem };
  const envelopeProblem = checkEnvelopeFields(parsed, 'packet');
  if (envelopeProblem) return { ok: false, reason: 'bad-envelope', detail: envelopeProblem };
  const packet = parsed as Packet;
  if (packet.v !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'unsupported-version', detail: `version ${packet.v}, this node speaks ${PROTOCOL_VERSION}` };
  }
  const bodyProblem = checkBody(packet.body);
  if (bodyProblem) return { ok: false, reason: 'bad-body', detail: bodyProblem };
  if (packet.body.type === 'inferenceRequest') {
    const expected = computeRequestId(packet.body, packet.from, packet.createdAt);
    if (expected !== packet.body.requestId) return { ok: false, reason: 'bad-request-id', detail: 'requestId does not hash the request' };
  }
  const ageMs = options.now - packet.createdAt;
  if (ageMs > (options.maxAgeMs ?? TIME_WINDOW.maxAgeMs)) return { ok: false, reason: 'stale', detail: `created ${ageMs} ms ago`, packet };
  if (-ageMs > (options.futureSkewMs ?? TIME_WINDOW.futureSkewMs)) {
    return { ok: false, reason: 'future', detail: `created ${-ageMs} ms in the future`, packet };
  }
  const signed = signedBytes(packet);
  return { ok: true, packet, id: packetId(packet, signed), signed };
}

export function isPacketOfType<T extends PacketType>(packet: Packet, type: T): packet is Packet<BodyOf<T>> {
  return packet.body.type === type;
}
