// A node's persistence. Typical use: `await createIdbStore({ namespace }).catch(...)`, falling back
// to `createMemoryStore()` on StoreError('unavailable'); every method rejects only with StoreError.
export { createIdbStore, type IdbStoreOptions } from './idb-store.js';
export { createMemoryStore } from './memory-store.js';
export { DEFAULT_PACKET_LOG_LIMIT, DEFAULT_RESULT_LIMIT, type StoreLimits } from './kv-store.js';
export { PBKDF2_ITERATIONS, type SealedIdentity } from './identity-vault.js';
export { SCHEMA_VERSION } from './schema.js';
export { StoreError, type NodeStore, type PacketLogEntry, type StoreErrorCode, type StoredQuorum, type StoredResult } from './types.js';
