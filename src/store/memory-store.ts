import { kvStore, resolveLimits, type StoreLimits } from './kv-store.js';
import { memoryKv } from './memory-kv.js';
import { SCHEMA_KEY, SCHEMA_VERSION } from './schema.js';
import type { NodeStore } from './types.js';

/**
 * A store in memory with the IndexedDB store's exact rules (limits, retention, encryption, cloning),
 * for simulations and tests. Forgotten with the object.
 */
export function createMemoryStore(options: StoreLimits = {}): NodeStore {
  // Born at the current schema: there is nothing older to migrate.
  return kvStore(memoryKv(new Map([[SCHEMA_KEY, SCHEMA_VERSION]])), 'memory', resolveLimits(options));
}
