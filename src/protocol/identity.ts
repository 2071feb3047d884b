import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, isHex } from './bytes.js';
import { verifySignature } from './signature-rule.js';

// noble/ed25519 ships async-only unless given a sha512; the protocol signs and verifies synchronously.
ed.hashes.sha512 = sha512;

/** A node's identity: an ed25519 key pair. The public key, in hex, is the node's `synthientId`. */
export interface Identity {
  readonly synthientId: string;
  readonly secretKey: Uint8Array;
}

/** The portable form of an identity (what the store persists and a user can back up). */
export interface ExportedIdentity {
  v: 1;
  synthientId: string;
  secretKey: string;
}

export function createIdentity(): Identity {
  const { secretKey, publicKey } = ed.keygen();
  return { synthientId: bytesToHex(publicKey), secretKey };
}

export function exportIdentity(identity: Identity): ExportedIdentity {
  return { v: 1, synthientId: identity.synthientId, secretKey: bytesToHex(identity.secretKey) };
}

export class IdentityError extends Error {
  override name = 'IdentityError';
}

/** Accepts an exported identity or a bare 32-byte secret key in hex; checks the public key matches. */
export function importIdentity(exported: ExportedIdentity | string): Identity {
  const secretHex = typeof exported === 'string' ? exported : exported?.secretKey;
  if (!isHex(secretHex, 32)) throw new IdentityError('secret key must be 64 lowercase hex characters');
  const secretKey = hexToBytes(secretHex);
  const synthientId = bytesToHex(ed.getPublicKey(secretKey));
  if (typeof exported !== 'string' && exported.synthientId !== synthientId) {
    throw new IdentityError('exported synthientId does not match its secret key');
  }
  return { synthientId, secretKey };
}

export function signBytes(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(message, secretKey);
}

/** The protocol's one signature rule (`signature-rule.ts`), in pure JavaScript. */
export function verifyBytes(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return verifySignature(signature, message, publicKey);
  } catch {
    return false;
  }
}
