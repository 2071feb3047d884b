import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { hexToBytes, signaturePrechecks, signedBytes, type Packet } from '../../src/protocol/index.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo: the raw 32-byte key follows. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_CACHE = 4096;
const keys = new Map<string, KeyObject>();

function keyOf(from: string): KeyObject {
  let key = keys.get(from);
  if (!key) {
    if (keys.size >= KEY_CACHE) keys.delete(keys.keys().next().value!);
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(from, 'hex')]), format: 'der', type: 'spki' });
    keys.set(from, key);
  }
  return key;
}

/**
 * The protocol's signature rule (`signature-rule.ts`) with the equation done by Node's native Ed25519
 * (OpenSSL), synchronously: the pre-checks of steps 1–3 first, then the native check of step 4, as the
 * browsers' WebCrypto path does. Synchronous, so a simulation stays deterministic, and about 30× faster
 * than the pure rule, so a simulation costs what its nodes do rather than what curve arithmetic in
 * JavaScript does. `tests/unit/signature-rule.test.ts` holds it to the same CCTV verdicts.
 */
export function verifyPacketNative(packet: Packet): boolean {
  try {
    const signature = hexToBytes(packet.sig);
    if (!signaturePrechecks(signature, hexToBytes(packet.from))) return false;
    return verify(null, signedBytes(packet), keyOf(packet.from), signature);
  } catch {
    return false;
  }
}

/** The same verdict on raw parts (for test vectors). */
export function verifySignatureNative(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    if (!signaturePrechecks(signature, publicKey)) return false;
    return verify(null, message, keyOf(Buffer.from(publicKey).toString('hex')), signature);
  } catch {
    return false;
  }
}
