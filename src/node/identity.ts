import { createIdentity, exportIdentity, importIdentity, type Identity } from '../protocol/index.js';
import { StoreError, type NodeStore } from '../store/types.js';
import { RakisError } from './errors.js';

export interface IdentityOptions {
  /** An identity to use (exported form or hex secret key); default: the stored one, else a new one. */
  identity?: Identity | Parameters<typeof importIdentity>[0];
  /** Encrypts the stored identity (and is needed to unlock it). */
  password?: string;
  store?: NodeStore;
}

/** The node's identity: the one given (then saved), else the stored one, else a new one (then saved). */
export async function resolveIdentity({ identity, password, store }: IdentityOptions): Promise<Identity> {
  if (identity) {
    const resolved = 'secretKey' in (identity as object) && (identity as Identity).secretKey instanceof Uint8Array
      ? (identity as Identity)
      : importIdentity(identity as Parameters<typeof importIdentity>[0]);
    if (store) await store.saveIdentity(exportIdentity(resolved), password).catch(() => undefined);
    return resolved;
  }
  if (!store) return createIdentity();
  try {
    const saved = await store.loadIdentity(password);
    if (saved) return importIdentity(saved);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'wrong-password') throw new RakisError('wrong-password', 'the password does not unlock the saved identity', { cause: error });
    if (error instanceof StoreError && error.code === 'locked') throw new RakisError('identity-locked', 'the saved identity is encrypted: give its password', { cause: error });
    throw new RakisError('storage', `could not read the saved identity: ${(error as Error).message}`, { cause: error });
  }
  const created = createIdentity();
  try {
    await store.saveIdentity(exportIdentity(created), password);
  } catch (error) {
    throw new RakisError('storage', `could not save the new identity: ${(error as Error).message}`, { cause: error });
  }
  return created;
}
