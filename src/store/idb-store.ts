import { idbKv } from './idb-kv.js';
import { kvStore, resolveLimits, type StoreLimits } from './kv-store.js';
import { migrate } from './schema.js';
import type { NodeStore } from './types.js';

export interface IdbStoreOptions extends StoreLimits {
  /** Separates nodes sharing an origin: each namespace is its own IndexedDB database. */
  namespace: string;
}

/**
 * Opens (creating or migrating) the IndexedDB store of a namespace. Rejects with
 * `StoreError('unavailable')` where IndexedDB cannot be used, so the node can fall back to
 * `createMemoryStore`, and with `StoreError('corrupt')` for data written by a newer version.
 */
export async function createIdbStore(options: IdbStoreOptions): Promise<NodeStore> {
  if (typeof options.namespace !== 'string' || options.namespace === '') throw new RangeError('namespace must be a non-empty string');
  const limits = resolveLimits(options);
  const backend = idbKv(options.namespace);
  // The migration's transaction doubles as the probe: it opens the database and writes to it.
  await migrate(backend, limits);
  return kvStore(backend, 'indexeddb', limits);
}
