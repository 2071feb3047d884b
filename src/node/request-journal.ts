import type { Scheduler, TimerHandle } from '../network/index.js';
import { bytesToHex, decodePacket, encodePacket, verifyPacketAsync, type Packet } from '../protocol/index.js';
import type { OwnReveal } from '../quorum/index.js';
import { StoreError, type NodeStore, type StoredQuorum, type StoredResult } from '../store/types.js';

const SAVE_DEBOUNCE_MS = 500;

/** A saved request: its record, and the saved packets that still decode and verify, in receipt order. */
export interface SavedRequest {
  record: StoredQuorum;
  packets: { packet: Packet; receivedAt: number }[];
}

async function verifiedEntry({ wire, receivedAt }: StoredQuorum['packets'][number]): Promise<SavedRequest['packets'][number] | undefined> {
  const decoded = decodePacket(new TextEncoder().encode(wire), { now: receivedAt });
  return decoded.ok && (await verifyPacketAsync(decoded.packet)) ? { packet: decoded.packet, receivedAt } : undefined;
}
const RESULTS_KEPT = 200;

export interface JournalOptions {
  store: NodeStore | undefined;
  scheduler: Scheduler;
  /** Store failures never stop the node: they are reported here, and the node carries on from memory. */
  onError: (message: string, requestId?: string) => void;
}

/**
 * What a node keeps on disk to survive a reload: every packet of each request it tracks (in receipt
 * order, to replay), its own secret answer until revealed, and the results. Without a store it keeps
 * nothing and every call is cheap.
 */
export class RequestJournal {
  private readonly records = new Map<string, StoredQuorum>();
  private readonly saveTimers = new Map<string, TimerHandle>();

  constructor(private readonly options: JournalOptions) {}

  get kind(): NodeStore['kind'] | 'none' {
    return this.options.store?.kind ?? 'none';
  }

  /**
   * Saved requests and results, to resume from. Each saved packet is decoded and passes the signature
   * rule again (the store is not trusted, and the rule may be stricter than when it was kept); those
   * that fail are left out.
   */
  async load(): Promise<{ quorums: SavedRequest[]; results: StoredResult[] }> {
    const store = this.options.store;
    if (!store) return { quorums: [], results: [] };
    let saved: StoredQuorum[] = [];
    let results: StoredResult[] = [];
    try {
      saved = await store.loadQuorums();
      results = (await store.loadResults()).slice(0, RESULTS_KEPT);
    } catch (error) {
      this.options.onError(`could not read saved requests: ${(error as Error).message}`);
    }
    const quorums = await Promise.all(
      saved.map(async (record) => ({ record, packets: (await Promise.all(record.packets.map(verifiedEntry))).filter((entry) => entry !== undefined) })),
    );
    return { quorums, results };
  }

  /** Starts the record of a request (a saved one when resuming). */
  open(requestId: string, now: number, saved?: StoredQuorum): void {
    this.records.set(requestId, saved ? { ...saved, packets: [...saved.packets] } : { requestId, packets: [], updatedAt: now });
  }

  log(requestId: string, packet: Packet, receivedAt: number): void {
    const record = this.records.get(requestId);
    if (!this.options.store || !record) return;
    const entry = { wire: new TextDecoder().decode(encodePacket(packet)), receivedAt };
    record.packets.push(entry);
    record.updatedAt = receivedAt;
    void this.call((store) => store.appendPackets([entry]));
    if (!this.saveTimers.has(requestId)) {
      this.saveTimers.set(requestId, this.options.scheduler.setTimeout(() => void this.save(requestId), SAVE_DEBOUNCE_MS));
    }
  }

  /** Keeps this node's own answer and resolves once it is on disk: a reload must still be able to reveal it. */
  async keepOwnReveal(requestId: string, own: OwnReveal): Promise<void> {
    const record = this.records.get(requestId);
    if (!record) return;
    record.ownReveal = { inferenceId: own.inferenceId, output: own.output, bEmbedding: bytesToHex(own.bEmbedding), salt: bytesToHex(own.salt) };
    await this.save(requestId);
  }

  saveResult(result: StoredResult): void {
    void this.call((store) => store.saveResult(result), result.requestId);
  }

  forget(requestId: string): void {
    this.records.delete(requestId);
    void this.call((store) => store.deleteQuorum(requestId), requestId);
  }

  /** Writes every pending save now (the node is stopping). */
  async flush(): Promise<void> {
    for (const requestId of [...this.saveTimers.keys()]) await this.save(requestId);
  }

  private async save(requestId: string): Promise<void> {
    const timer = this.saveTimers.get(requestId);
    if (timer) this.options.scheduler.clearTimeout(timer);
    this.saveTimers.delete(requestId);
    const record = this.records.get(requestId);
    if (record) await this.call((store) => store.saveQuorum(record), requestId);
  }

  private async call(write: (store: NodeStore) => Promise<unknown>, requestId?: string): Promise<void> {
    const store = this.options.store;
    if (!store) return;
    try {
      await write(store);
    } catch (error) {
      const message = error instanceof StoreError && error.code === 'quota-exceeded' ? 'storage is full: new state is kept in memory only' : `storage failed: ${(error as Error).message}`;
      this.options.onError(message, requestId);
    }
  }
}
