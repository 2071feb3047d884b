import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, hexToBytes, utf8ToBytes };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, returning undefined for invalid sequences instead of substituting U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** SHA-256 of the concatenated parts. */
export function sha256Bytes(...parts: Uint8Array[]): Uint8Array {
  return sha256(parts.length === 1 ? parts[0]! : concatBytes(...parts));
}

export function sha256Hex(...parts: Uint8Array[]): string {
  return bytesToHex(sha256Bytes(...parts));
}

/** Lowercase hex of exactly `bytes` bytes: the only hex form the protocol accepts (one spelling per value). */
export function isHex(value: unknown, bytes?: number): value is string {
  if (typeof value !== 'string' || value.length % 2 !== 0) return false;
  if (bytes !== undefined && value.length !== bytes * 2) return false;
  return /^[0-9a-f]*$/.test(value);
}

/** Lexicographic byte order of two equal-length lowercase hex strings (string order = byte order). */
export function compareHex(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
