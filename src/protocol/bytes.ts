import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export { concatBytes, hexToBytes, utf8ToBytes };

const HEX_DIGITS = new TextEncoder().encode('0123456789abcdef');
const ascii = new TextDecoder('latin1');
const nativeToHex = (Uint8Array.prototype as { toHex?: () => string }).toHex;

/**
 * Lowercase hex. Built as one flat string: appending two digits at a time (noble's fallback where
 * `Uint8Array.prototype.toHex` is missing) leaves a rope of one small string per byte, so every packet id
 * a node keeps cost about 1 KiB instead of about 80 bytes.
 */
export function bytesToHex(bytes: Uint8Array): string {
  if (nativeToHex) return nativeToHex.call(bytes);
  const digits = new Uint8Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i++) {
    digits[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    digits[2 * i + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return ascii.decode(digits);
}

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
