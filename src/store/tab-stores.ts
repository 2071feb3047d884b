import { idbDatabaseName } from './idb-kv.js';

/**
 * The stores of `storage="tab"` nodes: one IndexedDB database per tab, found again by the tab's reloads
 * (its namespace lives in sessionStorage) and deleted once the tab is gone, or a site would keep one
 * database for every tab ever opened on it.
 *
 * A live tab holds a Web Lock named after its namespace. The next tab that opens deletes a database
 * whose lock is free and whose tab was last seen (opened, or left on `pagehide`) more than
 * `TAB_STORE_GRACE_MS` ago: a reload comes back well within it, while a tab the browser discarded for
 * longer comes back as a new node (its requests' windows closed long before). A namespace whose lock
 * another tab holds was copied with sessionStorage ("duplicate tab"): the copy takes a new one, or two
 * tabs would sign as one node.
 */

const NAMESPACE_KEY = 'rakis-tab-namespace';
/** localStorage: `{[namespace]: ms}`, when each tab store's tab was last seen. */
const SEEN_KEY = 'rakis-tab-seen';
const PREFIX = 'rakis-tab-';
export const TAB_STORE_GRACE_MS = 60 * 60_000;
/** How long a reload waits for its previous page to let go of the namespace's lock. */
const RELOAD_WAIT_MS = 2_000;
/** Tab stores deleted per sweep at most, so one page load never spends long on it. */
const SWEEP_MAX = 32;

const lockName = (namespace: string) => `rakis-tab-store:${namespace}`;

export interface TabNamespace {
  namespace: string;
  /** Databases of gone tabs this opening deleted (the sweep runs in the background; resolves when done). */
  swept: Promise<string[]>;
}

/**
 * This tab's namespace, held for the tab's life; where sessionStorage or Web Locks are missing, the
 * warning to show (the node then runs from memory).
 */
export async function openTabNamespace(now = Date.now()): Promise<TabNamespace | { warning: string }> {
  let namespace: string | null;
  try {
    if (!navigator.locks) throw new Error('no Web Locks');
    namespace = sessionStorage.getItem(NAMESPACE_KEY);
  } catch (error) {
    return { warning: `this tab cannot keep a store of its own here (${String(error)}); nothing will survive a reload` };
  }
  if (!namespace?.startsWith(PREFIX) || !(await holdLock(namespace, RELOAD_WAIT_MS))) {
    namespace = `${PREFIX}${crypto.randomUUID()}`;
    await holdLock(namespace, RELOAD_WAIT_MS);
    sessionStorage.setItem(NAMESPACE_KEY, namespace);
  }
  const own = namespace;
  markSeen(own, now);
  addEventListener('pagehide', () => markSeen(own, Date.now()));
  return { namespace: own, swept: sweepTabStores(own, now).catch(() => []) };
}

/** Takes the namespace's lock for the page's life; false when another tab still holds it after `waitMs`. */
function holdLock(namespace: string, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const signal = AbortSignal.timeout(waitMs);
    navigator.locks
      .request(lockName(namespace), { signal }, () => {
        resolve(true);
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

/** Deletes the databases of tab stores whose tabs are gone (see the module's note); returns their namespaces. */
export async function sweepTabStores(own: string, now = Date.now()): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') return [];
  const prefix = idbDatabaseName(PREFIX);
  const seen = readSeen();
  const present = (await indexedDB.databases())
    .map((database) => database.name ?? '')
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(idbDatabaseName('').length));
  const candidates = present.filter((namespace) => namespace !== own && now - (seen[namespace] ?? 0) > TAB_STORE_GRACE_MS).slice(0, SWEEP_MAX);
  const swept: string[] = [];
  for (const namespace of candidates) {
    const free = await navigator.locks.request(lockName(namespace), { ifAvailable: true }, async (lock) => {
      if (lock) await deleteDatabase(idbDatabaseName(namespace));
      return lock !== null;
    });
    if (free) swept.push(namespace);
  }
  // The seen record keeps the tabs whose databases are still there, and those seen lately (a tab's
  // database comes after its stamp); a swept tab is neither.
  const kept = new Set(present.filter((namespace) => !swept.includes(namespace)));
  writeSeen(Object.fromEntries(Object.entries(readSeen()).filter(([namespace, at]) => kept.has(namespace) || now - at <= TAB_STORE_GRACE_MS)));
  return swept;
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    // Blocked means a connection is still open somewhere: the deletion completes when it closes.
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

function markSeen(namespace: string, at: number): void {
  const seen = readSeen();
  seen[namespace] = at;
  writeSeen(seen);
}

function readSeen(): Record<string, number> {
  try {
    const value = JSON.parse(localStorage.getItem(SEEN_KEY) ?? '{}') as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, number] => entry[0].startsWith(PREFIX) && typeof entry[1] === 'number'));
  } catch {
    return {};
  }
}

function writeSeen(seen: Record<string, number>): void {
  try {
    localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
  } catch {
    // No localStorage (or full): tabs are then swept by their locks and the grace alone.
  }
}
