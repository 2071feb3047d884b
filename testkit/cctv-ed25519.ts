import { hexToBytes, utf8ToBytes } from '../src/protocol/bytes.js';
import { createIdentity, signBytes } from '../src/protocol/identity.js';
import { verifySignature, verifySignatureAsync } from '../src/protocol/signature-rule.js';

/** One vector of C2SP's CCTV Ed25519 edge-case set (`tests/data/cctv-ed25519/`). */
export interface CctvVector {
  number: number;
  key: string;
  sig: string;
  msg: string;
  flags: string[] | null;
}

/**
 * What the protocol's rule accepts among the 914 vectors: the only one with no edge-case flag (a
 * canonical, prime-order key and R, S < L, a valid signature). The same in every environment.
 */
export const CCTV_RULE_ACCEPTS = [305];

/** Vector numbers each verifier accepted (the same code runs in Node and in browser pages). */
export interface CctvVerdicts {
  /** The platform's WebCrypto Ed25519 alone, no pre-checks (null where it has no Ed25519). */
  nativeRaw: number[] | null;
  /** The protocol's rule, pure JavaScript. */
  rulePure: number[];
  /** The protocol's rule with native WebCrypto for the equation (what nodes run). */
  ruleNative: number[];
}

/** WebCrypto's own verdict, or null when the platform has no Ed25519; import errors count as a reject. */
export async function nativeVerify(vector: CctvVector): Promise<boolean | null> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey('raw', hexToBytes(vector.key), { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    if ((error as Error)?.name === 'NotSupportedError') return null;
    return false;
  }
  try {
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, hexToBytes(vector.sig), utf8ToBytes(vector.msg) as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}

export async function cctvVerdicts(vectors: CctvVector[]): Promise<CctvVerdicts> {
  const nativeRaw: number[] = [];
  const rulePure: number[] = [];
  const ruleNative: number[] = [];
  let hasNative = true;
  for (const vector of vectors) {
    const [sig, msg, key] = [hexToBytes(vector.sig), utf8ToBytes(vector.msg), hexToBytes(vector.key)];
    const raw = hasNative ? await nativeVerify(vector) : null;
    if (raw === null) hasNative = false;
    else if (raw) nativeRaw.push(vector.number);
    if (verifySignature(sig, msg, key)) rulePure.push(vector.number);
    if (await verifySignatureAsync(sig, msg, key)) ruleNative.push(vector.number);
  }
  return { nativeRaw: hasNative ? nativeRaw : null, rulePure, ruleNative };
}

/** Fresh keys signing random messages: how many the rule accepts as signed and once tampered, per path. */
export async function honestVerdicts(count: number): Promise<{ pure: number; native: number; tamperedPure: number; tamperedNative: number }> {
  const tally = { pure: 0, native: 0, tamperedPure: 0, tamperedNative: 0 };
  for (let i = 0; i < count; i++) {
    const identity = createIdentity();
    const message = crypto.getRandomValues(new Uint8Array(16 + i));
    const signature = signBytes(message, identity.secretKey);
    const key = hexToBytes(identity.synthientId);
    const tampered = message.slice();
    tampered[i % tampered.length]! ^= 1;
    if (verifySignature(signature, message, key)) tally.pure++;
    if (await verifySignatureAsync(signature, message, key)) tally.native++;
    if (verifySignature(signature, tampered, key)) tally.tamperedPure++;
    if (await verifySignatureAsync(signature, tampered, key)) tally.tamperedNative++;
  }
  return tally;
}
