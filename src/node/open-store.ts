import { StoreError, createIdbStore, createMemoryStore, type NodeStore } from '../store/index.js';

/**
 * The store a browser node persists to: IndexedDB under `namespace`, or memory where IndexedDB is
 * unavailable (opaque origins, some private modes), in which case `fallback` says why.
 */
export async function openNodeStore(namespace = 'rakis'): Promise<{ store: NodeStore; fallback?: string }> {
  try {
    return { store: await createIdbStore({ namespace }) };
  } catch (error) {
    if (error instanceof StoreError && error.code === 'unavailable') {
      return { store: createMemoryStore(), fallback: `IndexedDB is unavailable here (${error.message}); nothing will survive a reload` };
    }
    throw error;
  }
}
