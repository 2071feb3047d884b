import { toStoreError } from './errors.js';
import type { KvBackend, KvTransaction } from './kv.js';

const deleted = Symbol('deleted');

/**
 * A KvBackend over a Map with IndexedDB's semantics: values are structured clones (no aliasing),
 * transactions run one at a time and apply their writes all or nothing.
 */
export function memoryKv(entries: Map<string, unknown> = new Map()): KvBackend {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    transaction<T>(_mode: 'readonly' | 'readwrite', work: (tx: KvTransaction) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        // Pending writes: a value, or `deleted`; `cleared` hides everything committed before.
        const pending = new Map<string, unknown>();
        let cleared = false;
        const read = (key: string): unknown => {
          if (pending.has(key)) return pending.get(key) === deleted ? undefined : pending.get(key);
          return cleared ? undefined : entries.get(key);
        };
        const tx: KvTransaction = {
          get: async <V>(key: string) => structuredClone(read(key)) as V | undefined,
          getMany: async <V>(keys: string[]) => keys.map((key) => structuredClone(read(key)) as V | undefined),
          getPrefixed: async <V>(prefix: string) => {
            const keys = new Set([...(cleared ? [] : entries.keys()), ...pending.keys()]);
            return [...keys]
              .filter((key) => key.startsWith(prefix) && read(key) !== undefined)
              .sort()
              .map((key) => structuredClone(read(key)) as V);
          },
          put: (key, value) => void pending.set(key, structuredClone(value)),
          delete: (key) => void pending.set(key, deleted),
          clear: () => {
            cleared = true;
            pending.clear();
          },
        };
        const result = await work(tx);
        if (cleared) entries.clear();
        for (const [key, value] of pending) {
          if (value === deleted) entries.delete(key);
          else entries.set(key, value);
        }
        return result;
      };
      const done = queue.then(run);
      queue = done.catch(() => undefined);
      return done.catch((error: unknown) => {
        throw toStoreError(error);
      });
    },
  };
}
