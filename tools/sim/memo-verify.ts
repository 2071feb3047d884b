import type { Packet } from '../../src/protocol/index.js';
import { verifyPacketNative } from './native-verify.js';

interface Verdict {
  v: number;
  from: string;
  createdAt: number;
  body: unknown;
  valid: boolean;
}

/**
 * Signature checks shared by every node of one simulation process. Each distinct signed packet is
 * verified for real once (the protocol's signature rule, its equation done by Node's native Ed25519:
 * `verifyPacketNative`); later copies reaching other nodes reuse the
 * verdict. Sound because verification is a pure function of the signed fields and the signature:
 * a cached verdict is reused only when the signature is the same and `{from, createdAt, body}` is
 * structurally equal (with `v`) to what was verified (equal JSON values have equal canonical bytes), so a
 * forged variant under a known signature is still verified on its own.
 */
export function memoizedVerifier(maxEntries = 500_000): (packet: Packet) => boolean {
  const verdicts = new Map<string, Verdict>();
  return (packet) => {
    const known = verdicts.get(packet.sig);
    if (known && known.v === packet.v && known.from === packet.from && known.createdAt === packet.createdAt && jsonEqual(known.body, packet.body)) return known.valid;
    const valid = verifyPacketNative(packet);
    // A colliding signature over another message keeps the first verdict cached; the second is simply re-verified each time.
    if (!known) {
      if (verdicts.size >= maxEntries) verdicts.delete(verdicts.keys().next().value!);
      verdicts.set(packet.sig, { v: packet.v, from: packet.from, createdAt: packet.createdAt, body: packet.body, valid });
    }
    return valid;
  };
}

/** Equality of parsed JSON values (key order ignored, as canonical encoding ignores it). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]));
}
