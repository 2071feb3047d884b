import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { toStoreError } from './errors.js';
import type { KvBackend, KvTransaction } from './kv.js';
import { StoreError } from './types.js';

/** One database per namespace, so two nodes on one origin never share (or lock) each other's data. */
export function idbDatabaseName(namespace: string): string {
  return `rakis-store-${namespace}`;
}

export const IDB_OBJECT_STORE = 'kv';

/** A KvBackend on an idb-keyval store; every failure (quota included) comes out as a StoreError. */
export function idbKv(namespace: string): KvBackend {
  try {
    // Missing in Node and some webviews; in opaque origins (sandboxed frames) merely reading it throws.
    // idb-keyval would only find out at first use.
    if (typeof indexedDB === 'undefined') throw new Error('indexedDB is not defined');
  } catch (error) {
    throw new StoreError('unavailable', `IndexedDB is not available here: ${String(error)}`);
  }
  const use: UseStore = createStore(idbDatabaseName(namespace), IDB_OBJECT_STORE);
  return {
    transaction: async <T>(mode: IDBTransactionMode, work: (tx: KvTransaction) => Promise<T>) => {
      try {
        // `use` opens the database on first call (and again after the browser closes it); opaque
        // origins and some private modes fail right there.
        return await use(mode, (store) => runTransaction(store, work));
      } catch (error) {
        throw toStoreError(error);
      }
    },
  };
}

async function runTransaction<T>(store: IDBObjectStore, work: (tx: KvTransaction) => Promise<T>): Promise<T> {
  const done = promisifyRequest(store.transaction);
  // Kept from being reported as unhandled when `work` fails first; still awaited below.
  done.catch(() => undefined);
  try {
    const result = await work(idbTransaction(store));
    await done;
    return result;
  } catch (error) {
    abortQuietly(store.transaction);
    // A transaction aborted by IndexedDB (quota) fails its pending reads with a bare AbortError;
    // its own error says why.
    throw store.transaction.error ?? error;
  }
}

function idbTransaction(store: IDBObjectStore): KvTransaction {
  return {
    get: <V>(key: string) => promisifyRequest(store.get(key)) as Promise<V | undefined>,
    getMany: <V>(keys: string[]) => Promise.all(keys.map((key) => promisifyRequest(store.get(key)) as Promise<V | undefined>)),
    // '\uffff' sorts after every character our keys use, so the range is exactly the prefix.
    getPrefixed: <V>(prefix: string) => promisifyRequest(store.getAll(IDBKeyRange.bound(prefix, `${prefix}\uffff`))) as Promise<V[]>,
    // Request failures (quota included) abort the transaction, which `done` reports.
    put: (key, value) => void store.put(value, key),
    delete: (key) => void store.delete(key),
    clear: () => void store.clear(),
  };
}

function abortQuietly(transaction: IDBTransaction): void {
  try {
    transaction.abort();
  } catch {
    // Already committed or aborted: nothing left to undo.
  }
}
