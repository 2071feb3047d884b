import type { ExportedIdentity } from '../../../src/protocol/index.js';
import type { createIdbStore, createMemoryStore, StoreErrorCode } from '../../../src/store/index.js';

/** A call's outcome, as plain data: StoreErrors cross page.evaluate as their code. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; code: StoreErrorCode | undefined; message: string };

/** What the store fixture page exposes on `window.rakisStore`. */
export interface StorePageApi {
  createIdbStore: typeof createIdbStore;
  createMemoryStore: typeof createMemoryStore;
  newIdentity(): ExportedIdentity;
  attempt<T>(call: () => Promise<T>): Promise<Attempt<T>>;
  scenarioNames: string[];
  /** Runs one shared behaviour scenario against fresh IndexedDB namespaces; resolves with its failure, if any. */
  runScenario(name: string): Promise<string | undefined>;
  /** Raw access to a namespace's database, bypassing the store (seeding old layouts, inspecting bytes). */
  writeRaw(namespace: string, entries: [string, unknown][]): Promise<void>;
  readRaw(namespace: string): Promise<[string, unknown][]>;
  /** `storage="tab"`'s namespace for this page, with what its opening swept. */
  openTabNamespace(): Promise<{ namespace: string; swept: string[] } | undefined>;
  sweepTabStores(own: string, now?: number): Promise<string[]>;
  /** Every IndexedDB database of the origin, by name. */
  databases(): Promise<string[]>;
  /** Holds a Web Lock for the page's life. */
  holdLock(name: string): void;
}

declare global {
  interface Window {
    rakisStore?: StorePageApi;
  }
}
