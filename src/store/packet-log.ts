import type { KvTransaction } from './kv.js';
import { StoreError, type PacketLogEntry } from './types.js';

/**
 * The bounded packet log: entries numbered by an ever-increasing sequence, stored in fixed-size
 * chunks under their own keys. An append rewrites at most the one partly filled chunk plus the new
 * ones and deletes chunks that fell out of the window, so its cost follows the batch, not the log.
 * Storage holds at most `limit + CHUNK_SIZE - 1` entries; reads return at most `limit`.
 */
export const CHUNK_SIZE = 64;

const META_KEY = 'packets/meta';

interface LogMeta {
  /** Sequence number of the next entry (how many were ever appended). */
  next: number;
  /** Sequence number of the oldest entry still kept. */
  first: number;
}

const chunkKey = (chunk: number) => `packets/chunk/${chunk}`;
const chunkOf = (seq: number) => Math.floor(seq / CHUNK_SIZE);

export async function appendToLog(tx: KvTransaction, entries: PacketLogEntry[], limit: number): Promise<void> {
  if (entries.length === 0) return;
  // A batch larger than the whole log keeps only its newest `limit` entries, each as exactly the
  // contract's two fields (no caller extras riding along to disk).
  const kept = entries.slice(-limit).map(({ wire, receivedAt }) => ({ wire, receivedAt }));
  const meta = await readMeta(tx);
  const firstChunk = chunkOf(meta.next);
  const offset = meta.next % CHUNK_SIZE;
  const open = offset === 0 ? [] : await readChunk(tx, firstChunk, offset);
  const pending = [...open.slice(0, offset), ...kept];
  for (let index = 0; index < pending.length; index += CHUNK_SIZE) {
    tx.put(chunkKey(firstChunk + index / CHUNK_SIZE), pending.slice(index, index + CHUNK_SIZE));
  }
  const next = meta.next + kept.length;
  const first = Math.max(meta.first, next - limit);
  // `meta.first` rather than a window from `limit`, so a smaller limit than last time leaks nothing.
  for (let chunk = chunkOf(meta.first); chunk < chunkOf(first); chunk++) tx.delete(chunkKey(chunk));
  tx.put(META_KEY, { next, first } satisfies LogMeta);
}

/** The newest `count` entries (at most `limit`), oldest first. */
export async function readLog(tx: KvTransaction, count: number, limit: number): Promise<PacketLogEntry[]> {
  const meta = await readMeta(tx);
  const wanted = Number.isNaN(count) ? 0 : Math.min(Math.max(0, Math.floor(count)), limit, meta.next - meta.first);
  if (wanted <= 0) return [];
  const from = meta.next - wanted;
  const chunks: number[] = [];
  for (let chunk = chunkOf(from); chunk <= chunkOf(meta.next - 1); chunk++) chunks.push(chunk);
  const stored = await tx.getMany<PacketLogEntry[]>(chunks.map(chunkKey));
  const entries = stored.flatMap((chunk, index) => {
    if (!Array.isArray(chunk)) throw new StoreError('corrupt', `packet log chunk ${chunks[index]} is missing`);
    return chunk;
  });
  const skip = from - chunkOf(from) * CHUNK_SIZE;
  return entries.slice(skip, skip + wanted);
}

async function readMeta(tx: KvTransaction): Promise<LogMeta> {
  const meta = await tx.get<LogMeta>(META_KEY);
  if (meta === undefined) return { next: 0, first: 0 };
  if (!Number.isSafeInteger(meta?.next) || !Number.isSafeInteger(meta.first) || meta.first > meta.next || meta.first < 0) {
    throw new StoreError('corrupt', 'packet log index is malformed');
  }
  return meta;
}

async function readChunk(tx: KvTransaction, chunk: number, length: number): Promise<PacketLogEntry[]> {
  const entries = await tx.get<PacketLogEntry[]>(chunkKey(chunk));
  if (!Array.isArray(entries) || entries.length < length) throw new StoreError('corrupt', `packet log chunk ${chunk} is missing`);
  return entries;
}
