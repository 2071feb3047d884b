// The store's browser fixture: the real IndexedDB store (and the shared behaviour scenarios) on
// window.rakisStore, driven from Node.
import { createStore, entries, setMany } from 'idb-keyval';
import { createIdentity, exportIdentity } from '../../../src/protocol/index.js';
import { createIdbStore, createMemoryStore, StoreError } from '../../../src/store/index.js';
import { IDB_OBJECT_STORE, idbDatabaseName } from '../../../src/store/idb-kv.js';
import { openTabNamespace, sweepTabStores } from '../../../src/store/tab-stores.js';
import { storeScenarios } from '../../support/store-behaviour.js';
import type { StorePageApi } from './store-page-api.js';

let opened = 0;
const raw = (namespace: string) => createStore(idbDatabaseName(namespace), IDB_OBJECT_STORE);

window.rakisStore = {
  createIdbStore,
  createMemoryStore,
  newIdentity: () => exportIdentity(createIdentity()),
  async attempt(call) {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, code: error instanceof StoreError ? error.code : undefined, message: String(error) };
    }
  },
  scenarioNames: storeScenarios.map((scenario) => scenario.name),
  async runScenario(name) {
    const scenario = storeScenarios.find((candidate) => candidate.name === name);
    try {
      await scenario!.run((limits) => createIdbStore({ namespace: `scenario-${Date.now()}-${opened++}`, ...limits }));
      return undefined;
    } catch (error) {
      return String(error);
    }
  },
  writeRaw: (namespace, values) => setMany(values, raw(namespace)),
  readRaw: (namespace) => entries<string, unknown>(raw(namespace)),
  async openTabNamespace() {
    const opened = await openTabNamespace();
    return 'namespace' in opened ? { namespace: opened.namespace, swept: await opened.swept } : undefined;
  },
  sweepTabStores,
  databases: async () => (await indexedDB.databases()).map((database) => database.name ?? '').sort(),
  holdLock(name) {
    void navigator.locks.request(name, () => new Promise<never>(() => undefined));
  },
};
