import type { ExportedIdentity } from '../protocol/index.js';
import { checkedExport, isSealedIdentity, openSealedIdentity, sealIdentity } from './identity-vault.js';
import type { KvBackend, KvTransaction } from './kv.js';
import { appendToLog, readLog } from './packet-log.js';
import { IDENTITY_KEY, QUORUM_PREFIX, SETTINGS_KEY, type IdentityRecord } from './records.js';
import { readResults, saveToResults } from './results.js';
import { SCHEMA_KEY, SCHEMA_VERSION } from './schema.js';
import { StoreError, type NodeStore, type StoredQuorum } from './types.js';

export interface StoreLimits {
  /** Packets kept in the log (oldest dropped first). Default 2,000: a few minutes of a busy network. */
  packetLogLimit?: number;
  /** Results kept in history (oldest `settledAt` dropped first). Default 200. */
  resultLimit?: number;
}

export const DEFAULT_PACKET_LOG_LIMIT = 2_000;
export const DEFAULT_RESULT_LIMIT = 200;

export function resolveLimits(options: StoreLimits): Required<StoreLimits> {
  return {
    packetLogLimit: positiveInteger('packetLogLimit', options.packetLogLimit ?? DEFAULT_PACKET_LOG_LIMIT),
    resultLimit: positiveInteger('resultLimit', options.resultLimit ?? DEFAULT_RESULT_LIMIT),
  };
}

/** A NodeStore over an already migrated backend; every rule lives here, once for both stores. */
export function kvStore(backend: KvBackend, kind: NodeStore['kind'], limits: Required<StoreLimits>): NodeStore {
  const read = <T>(work: (tx: KvTransaction) => Promise<T>) => backend.transaction('readonly', work);
  const write = <T>(work: (tx: KvTransaction) => Promise<T>) => backend.transaction('readwrite', work);
  const identityRecord = () => read((tx) => tx.get<IdentityRecord>(IDENTITY_KEY)).then(checkedRecord);

  return {
    kind,
    async identityState() {
      return (await identityRecord())?.kind ?? 'none';
    },
    async loadIdentity(password) {
      const record = await identityRecord();
      if (record === undefined) return undefined;
      // A plain identity needs no password; one given anyway is ignored.
      if (record.kind === 'plain') return checkedExport(record.identity);
      if (!password) throw new StoreError('locked', 'this identity is encrypted: a password is needed');
      return openSealedIdentity(record.sealed, password);
    },
    async saveIdentity(identity: ExportedIdentity, password?: string) {
      // An empty password is no password. Sealed before the transaction: IndexedDB would commit it
      // while WebCrypto works.
      const record: IdentityRecord = password
        ? { kind: 'encrypted', sealed: await sealIdentity(identity, password) }
        : { kind: 'plain', identity: checkedExport(identity) };
      await write(async (tx) => tx.put(IDENTITY_KEY, record));
    },
    loadSettings: () => read((tx) => tx.get<Record<string, unknown>>(SETTINGS_KEY)),
    saveSettings: (settings) => write(async (tx) => tx.put(SETTINGS_KEY, settings)),
    appendPackets: (entries) => write((tx) => appendToLog(tx, entries, limits.packetLogLimit)),
    recentPackets: (count) => read((tx) => readLog(tx, count, limits.packetLogLimit)),
    saveQuorum: (quorum) => write(async (tx) => tx.put(QUORUM_PREFIX + quorum.requestId, quorum)),
    async loadQuorums() {
      const quorums = await read((tx) => tx.getPrefixed<StoredQuorum>(QUORUM_PREFIX));
      return quorums.sort((a, b) => a.updatedAt - b.updatedAt);
    },
    deleteQuorum: (requestId) => write(async (tx) => tx.delete(QUORUM_PREFIX + requestId)),
    saveResult: (result) => write((tx) => saveToResults(tx, result, limits.resultLimit)),
    loadResults: () => read((tx) => readResults(tx, limits.resultLimit)),
    clear: () =>
      write(async (tx) => {
        tx.clear();
        // The emptied store is still this schema, so reopening it must not run migrations again.
        tx.put(SCHEMA_KEY, SCHEMA_VERSION);
      }),
  };
}

function checkedRecord(record: IdentityRecord | undefined): IdentityRecord | undefined {
  if (record === undefined) return undefined;
  if (record?.kind === 'plain' && typeof record.identity === 'object' && record.identity !== null) return record;
  if (record?.kind === 'encrypted' && isSealedIdentity(record.sealed)) return record;
  throw new StoreError('corrupt', 'the stored identity is malformed');
}

function positiveInteger(name: string, value: number): number {
  // A programming error in the options, not a storage failure: fail loudly at construction.
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
