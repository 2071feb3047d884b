import { Point } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '../src/protocol/bytes.js';
import { signedBytes } from '../src/protocol/envelope.js';
import { PROTOCOL_VERSION } from '../src/protocol/limits.js';
import type { Packet, PacketBody } from '../src/protocol/packets.js';

/**
 * A byzantine identity from the C2SP CCTV Ed25519 vectors: `eeff…ff7f` is the identity point O spelled
 * with y = p + 1 (non-canonical, order 1). Since [k]O = O, anyone can "sign" any message under it:
 * R = [r]B, S = r satisfies the cofactorless equation [S]B = R + [k]A. WebCrypto in Chromium and Node
 * (BoringSSL/OpenSSL) accepts such signatures, Firefox's (NSS) rejects the non-canonical key: without
 * one acceptance rule, honest nodes split on them.
 */
export const SPLIT_KEY = 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

function toLittleEndian32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** A signature that verifies under `SPLIT_KEY` (any message) on cofactorless verifiers that decode the key. */
export function forgeUnderSplitKey(message: Uint8Array, seed = 'rakis byzantine'): Uint8Array {
  const r = (littleEndian(sha512(concatBytes(new TextEncoder().encode(seed), message))) % (L - 1n)) + 1n;
  return concatBytes(Point.BASE.multiply(r).toBytes(), toLittleEndian32(r));
}

/** A packet "from" `SPLIT_KEY`, with such a forged signature. */
export function byzantinePacket<B extends PacketBody>(body: B, createdAt: number, seed?: string): Packet<B> {
  const unsigned = { v: PROTOCOL_VERSION, from: SPLIT_KEY, createdAt, body } as const;
  return { ...unsigned, sig: bytesToHex(forgeUnderSplitKey(signedBytes(unsigned), seed)) };
}

