import { Point } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.js';

/**
 * The one Ed25519 acceptance rule of the protocol (README, "Signatures: one rule"). Every signature
 * any node checks goes through here, so every node, in every browser, gives the same verdict:
 *
 * 1. Encodings: the public key `A` and the signature's `R` are canonical (`y < p`, no `x = -0`),
 *    and `S < L`.
 * 2. `A` decodes, is not of small order and lies in the prime-order subgroup (`[L]A = O`). Checked
 *    once per key and remembered in a bounded cache.
 * 3. `R` is not one of the small-order points.
 * 4. The cofactorless equation `[S]B = R + [k]A`, `k = SHA-512(R ‖ A ‖ M) mod L`, checked as
 *    `encode([S]B - [k]A) == R` byte for byte.
 *
 * With `A` torsion-free the cofactorless equation holds only when `R` is torsion-free too, so the
 * rule equals the cofactored equation plus "R has no small-order component": cofactored and
 * cofactorless implementations agree on every input that passes 1–3. Native WebCrypto Ed25519
 * (BoringSSL in Chromium, OpenSSL in Node, NSS in Firefox; all cofactorless) may therefore do step 4:
 * it is asked only on canonical encodings (the byte checks of 1 and 3), where it accepts everything
 * the rule accepts, and its accept counts only once `A` passes step 2. The C2SP CCTV vectors show no
 * disagreement (`tests/unit/signature-rule.test.ts`, `tests/browser/signature-rule.test.ts`).
 */

const P = 2n ** 255n - 19n;
/** The prime order of the base point. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Canonical encodings of the eight small-order points and the two `x = -0` spellings (y = ±1). */
const SMALL_ORDER_ENCODINGS = new Set([
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
]);

/** How many public keys' verdicts (step 2) a process remembers; the oldest is forgotten first. */
export const PUBLIC_KEY_CACHE_SIZE = 4096;
const publicKeys = new Map<string, Point | null>();

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** `p` and `L` as 32 little-endian bytes, for the pre-checks' byte comparisons (no BigInt per packet). */
const [P_BYTES, L_BYTES] = [P, L].map((n) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn))) as [Uint8Array, Uint8Array];

/** `a < b` for 32-byte little-endian numbers, `topMask` applied to `a`'s last byte. */
function lessThan(a: Uint8Array, b: Uint8Array, topMask = 0xff): boolean {
  for (let i = 31; i >= 0; i--) {
    const byte = i === 31 ? a[i]! & topMask : a[i]!;
    if (byte !== b[i]) return byte < b[i]!;
  }
  return false;
}

/** `y < p` for a 32-byte point encoding (the sign bit set aside). */
function canonicalY(encoding: Uint8Array): boolean {
  return lessThan(encoding, P_BYTES, 0x7f);
}

function decodePublicKey(hex: string, bytes: Uint8Array): Point | null {
  if (bytes.length !== 32 || !canonicalY(bytes) || SMALL_ORDER_ENCODINGS.has(hex)) return null;
  let point: Point;
  try {
    point = Point.fromBytes(bytes, false);
  } catch {
    return null;
  }
  if (point.isSmallOrder() || !point.isTorsionFree()) return null;
  return point;
}

/** The decoded key when it passes step 2 (cached, both ways), else null. */
function acceptedPublicKey(publicKey: Uint8Array): Point | null {
  const hex = bytesToHex(publicKey);
  if (publicKeys.has(hex)) {
    const point = publicKeys.get(hex)!;
    // Refresh its place: the cache forgets the least recently used key.
    publicKeys.delete(hex);
    publicKeys.set(hex, point);
    return point;
  }
  const point = decodePublicKey(hex, publicKey);
  if (publicKeys.size >= PUBLIC_KEY_CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value!);
  publicKeys.set(hex, point);
  return point;
}

/** Whether a public key may sign anything under the rule (step 2): canonical, of prime order `L`. */
export function isAcceptablePublicKey(publicKey: Uint8Array | string): boolean {
  const bytes = typeof publicKey === 'string' ? hexToBytes(publicKey) : publicKey;
  return acceptedPublicKey(bytes) !== null;
}

/** The byte-level checks of steps 1–3 (no curve arithmetic): lengths, `S < L`, `y < p` of A and R, R not small-order. */
function encodingPrechecks(signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const r = signature.subarray(0, 32);
  if (!lessThan(signature.subarray(32), L_BYTES)) return false;
  if (!canonicalY(r) || SMALL_ORDER_ENCODINGS.has(bytesToHex(r))) return false;
  return canonicalY(publicKey);
}

/**
 * Steps 1–3, everything but the equation: what must hold before any implementation, native or not,
 * may decide. Returns the decoded key, or null when the signature is rejected outright.
 */
export function signaturePrechecks(signature: Uint8Array, publicKey: Uint8Array): Point | null {
  return encodingPrechecks(signature, publicKey) ? acceptedPublicKey(publicKey) : null;
}

/** The rule in pure JavaScript (noble's curve arithmetic): the reference every path must agree with. */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const A = signaturePrechecks(signature, publicKey);
  if (!A) return false;
  const r = signature.subarray(0, 32);
  const s = littleEndian(signature.subarray(32));
  const hashed = sha512(concatBytes(r, publicKey, message));
  const k = littleEndian(hashed) % L;
  // [S]B - [k]A, encoded, must be R's bytes (so R's encoding is canonical as well).
  const expected = Point.BASE.multiply(s, false).subtract(A.multiply(k, false)).toBytes();
  return equalBytes(expected, r);
}

type NativeSupport = 'unknown' | 'yes' | 'no';
let native: NativeSupport = 'unknown';
const nativeKeys = new Map<string, Promise<CryptoKey>>();
const NATIVE_KEY_CACHE = 1024;

function importNativeKey(publicKey: Uint8Array): Promise<CryptoKey> {
  const hex = bytesToHex(publicKey);
  let key = nativeKeys.get(hex);
  if (!key) {
    if (nativeKeys.size >= NATIVE_KEY_CACHE) nativeKeys.delete(nativeKeys.keys().next().value!);
    key = crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
    nativeKeys.set(hex, key);
  }
  return key;
}

export interface VerifyOptions {
  /** Use the platform's WebCrypto Ed25519 for the equation when it has one (default true). */
  native?: boolean;
}

/**
 * The rule, with the equation (step 4) done by native WebCrypto Ed25519 where the platform has it:
 * many times faster than JavaScript curve arithmetic, and, after the pre-checks, the same verdict.
 * Falls back to `verifySignature` where WebCrypto lacks Ed25519.
 */
export async function verifySignatureAsync(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  options: VerifyOptions = {},
): Promise<boolean> {
  if (options.native === false || native === 'no' || !globalThis.crypto?.subtle) return verifySignature(signature, message, publicKey);
  if (!encodingPrechecks(signature, publicKey)) return false;
  try {
    const key = await importNativeKey(publicKey);
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
    native = 'yes';
    // On canonical encodings every native verifier accepts what the rule accepts, so a native reject is
    // final; a native accept still needs the key's order check (step 2, cached), done only now so that
    // garbage under throwaway keys costs no JavaScript curve arithmetic.
    return ok && acceptedPublicKey(publicKey) !== null;
  } catch (error) {
    nativeKeys.delete(bytesToHex(publicKey));
    // No native Ed25519 here: the pure rule from now on. Any other failure (e.g. a key that does not
    // decode) is left to the pure rule, so the verdict never depends on the platform.
    if (native === 'unknown' && (error as Error)?.name === 'NotSupportedError') native = 'no';
    return verifySignature(signature, message, publicKey);
  }
}

/** Whether `verifySignatureAsync` last found native Ed25519 (`unknown` before its first call). */
export function nativeEd25519Support(): NativeSupport {
  return native;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
