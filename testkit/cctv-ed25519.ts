import { hexToBytes, utf8ToBytes } from '../src/protocol/bytes.js';
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
