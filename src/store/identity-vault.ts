import { bytesToHex, exportIdentity, hexToBytes, importIdentity, isHex, type ExportedIdentity } from '../protocol/index.js';
import { StoreError } from './types.js';

/**
 * An identity sealed with a password: PBKDF2-SHA-256 (random salt) derives an AES-256-GCM key that
 * encrypts the 32-byte secret key under a random IV. The public synthientId stays readable (a UI can
 * say which identity is locked) and is bound as associated data, so it cannot be swapped unnoticed.
 */
export interface SealedIdentity {
  v: 1;
  synthientId: string;
  kdf: 'PBKDF2-SHA-256';
  iterations: number;
  salt: string;
  iv: string;
  ciphertext: string;
}

/** OWASP's 2023 figure for PBKDF2-SHA-256; about half a second on a laptop, once per unlock. */
export const PBKDF2_ITERATIONS = 600_000;
/** Bounds what a tampered record can ask of us (a huge count would hang the unlock). */
const MAX_ITERATIONS = 10_000_000;

export async function sealIdentity(identity: ExportedIdentity, password: string): Promise<SealedIdentity> {
  const { synthientId, secretKey } = checkedIdentity(identity);
  const subtle = webCrypto();
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(subtle, password, salt, PBKDF2_ITERATIONS);
  const ciphertext = await cryptoStep(() =>
    subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(synthientId) }, key, Uint8Array.from(secretKey)),
  );
  return {
    v: 1,
    synthientId,
    kdf: 'PBKDF2-SHA-256',
    iterations: PBKDF2_ITERATIONS,
    salt: bytesToHex(salt),
    iv: bytesToHex(iv),
    ciphertext: bytesToHex(new Uint8Array(ciphertext)),
  };
}

/** Rejects with `wrong-password` when the password does not open it, `corrupt` when it is malformed. */
export async function openSealedIdentity(sealed: SealedIdentity, password: string): Promise<ExportedIdentity> {
  if (!isSealedIdentity(sealed)) throw new StoreError('corrupt', 'the sealed identity is malformed');
  const subtle = webCrypto();
  const key = await deriveKey(subtle, password, hexToBytes(sealed.salt), sealed.iterations);
  let secretKey: ArrayBuffer;
  try {
    secretKey = await subtle.decrypt(
      { name: 'AES-GCM', iv: hexToBytes(sealed.iv), additionalData: associatedData(sealed.synthientId) },
      key,
      hexToBytes(sealed.ciphertext),
    );
  } catch {
    // GCM cannot tell a wrong password from a tampered record; a wrong password is the usual cause.
    throw new StoreError('wrong-password', 'the password does not unlock this identity');
  }
  return checkedExport({ v: 1, synthientId: sealed.synthientId, secretKey: bytesToHex(new Uint8Array(secretKey)) });
}

export function isSealedIdentity(value: unknown): value is SealedIdentity {
  const sealed = value as Partial<SealedIdentity> | null;
  return hasSealingFields(sealed) && isHex(sealed.synthientId, 32) && isHex(sealed.ciphertext) && sealed.ciphertext.length > 0;
}

/** What every record sealed with a password holds, whatever it seals: the version, the key derivation and the cipher's inputs. */
export function hasSealingFields<T extends { v?: unknown; kdf?: unknown; iterations?: unknown; salt?: unknown; iv?: unknown }>(sealed: T | null): sealed is T {
  return (
    typeof sealed === 'object' &&
    sealed !== null &&
    sealed.v === 1 &&
    sealed.kdf === 'PBKDF2-SHA-256' &&
    Number.isInteger(sealed.iterations) &&
    (sealed.iterations as number) >= 1 &&
    (sealed.iterations as number) <= MAX_ITERATIONS &&
    isHex(sealed.salt, 16) &&
    isHex(sealed.iv, 12)
  );
}

/** The identity as bytes, after checking its secret key really yields its synthientId. */
export function checkedIdentity(identity: ExportedIdentity): { synthientId: string; secretKey: Uint8Array } {
  try {
    return importIdentity(identity);
  } catch (error) {
    throw new StoreError('corrupt', `not a valid identity: ${(error as Error).message}`);
  }
}

/** The identity in its portable form, checked; what `loadIdentity` returns. */
export function checkedExport(identity: ExportedIdentity): ExportedIdentity {
  return exportIdentity(checkedIdentity(identity));
}

export function deriveKey(subtle: SubtleCrypto, password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  return cryptoStep(async () => {
    // NFC: the same password typed on different systems must give the same bytes.
    const material = await subtle.importKey('raw', utf8(password.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
    return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
  });
}

/** WebCrypto failing at anything but decryption means it cannot be used here (keeps errors typed). */
export async function cryptoStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new StoreError('unavailable', `WebCrypto failed: ${String(error)}`);
  }
}

function associatedData(synthientId: string): Uint8Array<ArrayBuffer> {
  return utf8(`rakis-identity-v1:${synthientId}`);
}

/** Local rather than protocol's utf8ToBytes: WebCrypto's types want an ArrayBuffer-backed array. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

export function webCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  // Browsers expose SubtleCrypto only in secure contexts (https, localhost).
  if (!subtle) throw new StoreError('unavailable', 'WebCrypto is not available (an insecure context?)');
  return subtle;
}
