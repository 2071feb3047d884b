/**
 * The key-value layer both stores are written against, so IndexedDB and memory share every rule
 * (ring, retention, vault, migrations) and differ only in where bytes live.
 *
 * A transaction's `work` may await only this transaction's own `get`/`getPrefixed` calls: IndexedDB
 * commits a transaction as soon as it waits on anything else, so encryption and other async work
 * happen before a transaction starts.
 */
export interface KvTransaction {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  /** Every value whose key starts with `prefix`, in key order. */
  getPrefixed<T>(prefix: string): Promise<T[]>;
  /** Writes are applied when the transaction commits; a failed transaction applies none. */
  put(key: string, value: unknown): void;
  delete(key: string): void;
  clear(): void;
}

export interface KvBackend {
  transaction<T>(mode: 'readonly' | 'readwrite', work: (tx: KvTransaction) => Promise<T>): Promise<T>;
}
