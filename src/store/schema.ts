import type { ExportedIdentity } from '../protocol/index.js';
import type { KvBackend, KvTransaction } from './kv.js';
import { appendToLog } from './packet-log.js';
import { saveToResults } from './results.js';
import { IDENTITY_KEY, type IdentityRecord } from './records.js';
import { StoreError, type PacketLogEntry, type StoredResult } from './types.js';

export const SCHEMA_KEY = 'schema';
/** The layout this code writes. Bump it together with a new entry in `MIGRATIONS`. */
export const SCHEMA_VERSION = 1;

export interface MigrationLimits {
  packetLogLimit: number;
  resultLimit: number;
}

/**
 * Steps from version `n` to `n + 1`, run in order inside one transaction: a store is either fully
 * migrated or left as it was.
 */
const MIGRATIONS: ((tx: KvTransaction, limits: MigrationLimits) => Promise<void>)[] = [
  // v0 → v1. v0 is the flat layout written before the schema key existed: a bare ExportedIdentity
  // under 'identity' and the packet log and results as single arrays under 'packets' and 'results'
  // (rewritten whole on every append). v1 wraps the identity in a record that can be encrypted and
  // moves the arrays into the chunked log and the indexed results.
  async (tx, limits) => {
    const identity = await tx.get<ExportedIdentity | IdentityRecord>(IDENTITY_KEY);
    if (identity !== undefined && !('kind' in identity)) {
      tx.put(IDENTITY_KEY, { kind: 'plain', identity } satisfies IdentityRecord);
    }
    const packets = await tx.get<PacketLogEntry[]>('packets');
    if (Array.isArray(packets)) await appendToLog(tx, packets, limits.packetLogLimit);
    tx.delete('packets');
    const results = await tx.get<StoredResult[]>('results');
    if (Array.isArray(results)) {
      for (const result of results) await saveToResults(tx, result, limits.resultLimit);
    }
    tx.delete('results');
  },
];

/** Brings a store to SCHEMA_VERSION; refuses one written by newer code rather than misread it. */
export async function migrate(backend: KvBackend, limits: MigrationLimits): Promise<void> {
  await backend.transaction('readwrite', async (tx) => {
    const stored = await tx.get<unknown>(SCHEMA_KEY);
    const version = stored === undefined ? 0 : stored;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
      throw new StoreError('corrupt', `unknown schema version ${JSON.stringify(stored)}`);
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreError('corrupt', `stored with schema v${version}, newer than this code's v${SCHEMA_VERSION}; refusing to touch it`);
    }
    for (let step = version; step < SCHEMA_VERSION; step++) await MIGRATIONS[step]!(tx, limits);
    if (version !== SCHEMA_VERSION) tx.put(SCHEMA_KEY, SCHEMA_VERSION);
  });
}
