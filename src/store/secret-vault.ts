/**
 * Short secrets sealed with the node's password, the way the identity is (identity-vault.ts): an API
 * key entered by the person running the node is kept in the store only in this form.
 */
import { bytesToHex, hexToBytes, isHex } from '../protocol/index.js';
import { cryptoStep, deriveKey, hasSealingFields, PBKDF2_ITERATIONS, utf8, webCrypto } from './identity-vault.js';
import { StoreError } from './types.js';

export interface SealedSecret {
  v: 1;
  /** What the secret is for (bound as associated data, so a sealed key cannot be moved to another use). */
  label: string;
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  iv: string;
  ciphertext: string;
}

const MAX_SECRET_BYTES = 4_096;

export async function sealSecret(secret: string, label: string, password: string): Promise<SealedSecret> {
  const bytes = utf8(secret);
  if (bytes.length > MAX_SECRET_BYTES) throw new StoreError('corrupt', `a secret is at most ${MAX_SECRET_BYTES} bytes`);
  const subtle = webCrypto();
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(subtle, password, salt, PBKDF2_ITERATIONS);
  const ciphertext = await cryptoStep(() => subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(`rakis-secret-v1:${label}`) }, key, bytes));
  return { v: 1, label, kdf: 'PBKDF2-SHA-256', iterations: PBKDF2_ITERATIONS, salt: bytesToHex(salt), iv: bytesToHex(iv), ciphertext: bytesToHex(new Uint8Array(ciphertext)) };
}

/** Rejects with `wrong-password` when the password does not open it, `corrupt` when it is malformed. */
export async function openSealedSecret(sealed: SealedSecret, password: string): Promise<string> {
  if (!isSealedSecret(sealed)) throw new StoreError('corrupt', 'the sealed secret is malformed');
  const subtle = webCrypto();
  const key = await deriveKey(subtle, password, hexToBytes(sealed.salt), sealed.iterations);
  try {
    const plain = await subtle.decrypt({ name: 'AES-GCM', iv: hexToBytes(sealed.iv), additionalData: utf8(`rakis-secret-v1:${sealed.label}`) }, key, hexToBytes(sealed.ciphertext));
    return new TextDecoder().decode(plain);
  } catch {
    throw new StoreError('wrong-password', 'the password does not unlock this secret');
  }
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  const sealed = value as Partial<SealedSecret> | null;
  return (
    hasSealingFields(sealed) &&
    typeof sealed.label === 'string' &&
    sealed.label.length <= 2_048 &&
    isHex(sealed.ciphertext) &&
    sealed.ciphertext.length > 0 &&
    sealed.ciphertext.length <= 2 * (MAX_SECRET_BYTES + 16)
  );
}
