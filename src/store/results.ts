import type { KvTransaction } from './kv.js';
import { StoreError, type StoredResult } from './types.js';

/**
 * Results history: each result under its own key plus a small index (requestId, settledAt) kept
 * newest first, so a save rewrites the index and one result, never the whole history.
 */
const INDEX_KEY = 'results/index';
const resultKey = (requestId: string) => `results/by-id/${requestId}`;

interface IndexEntry {
  requestId: string;
  settledAt: number;
}

export async function saveToResults(tx: KvTransaction, result: StoredResult, limit: number): Promise<void> {
  const index = (await readIndex(tx)).filter((entry) => entry.requestId !== result.requestId);
  // Newest first; a result settled at the same time as others goes before them (it arrived last).
  const at = index.findIndex((entry) => entry.settledAt <= result.settledAt);
  index.splice(at === -1 ? index.length : at, 0, { requestId: result.requestId, settledAt: result.settledAt });
  const evicted = index.splice(limit);
  for (const entry of evicted) tx.delete(resultKey(entry.requestId));
  // An evicted newcomer (older than a full history) was just deleted above; writing it would leak.
  if (!evicted.some((entry) => entry.requestId === result.requestId)) tx.put(resultKey(result.requestId), result);
  tx.put(INDEX_KEY, index);
}

/** Newest first, at most `limit`. */
export async function readResults(tx: KvTransaction, limit: number): Promise<StoredResult[]> {
  const index = (await readIndex(tx)).slice(0, limit);
  const results = await tx.getMany<StoredResult>(index.map((entry) => resultKey(entry.requestId)));
  return results.map((result, position) => {
    if (result === undefined) throw new StoreError('corrupt', `result ${index[position]?.requestId} is missing`);
    return result;
  });
}

async function readIndex(tx: KvTransaction): Promise<IndexEntry[]> {
  const index = await tx.get<IndexEntry[]>(INDEX_KEY);
  if (index === undefined) return [];
  if (!Array.isArray(index)) throw new StoreError('corrupt', 'results index is malformed');
  return index;
}
