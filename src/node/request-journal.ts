import type { Scheduler, TimerHandle } from '../network/index.js';
import { bytesToHex, encodePacket, type Packet } from '../protocol/index.js';
import type { OwnReveal } from '../quorum/index.js';
import { StoreError, type NodeStore, type StoredQuorum, type StoredResult } from '../store/types.js';

const SAVE_DEBOUNCE_MS = 500;
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

  /** Saved requests and results, to resume from. */
  async load(): Promise<{ quorums: StoredQuorum[]; results: StoredResult[] }> {
    const store = this.options.store;
    if (!store) return { quorums: [], results: [] };
    try {
      return { quorums: await store.loadQuorums(), results: (await store.loadResults()).slice(0, RESULTS_KEPT) };
    } catch (error) {
      this.options.onError(`could not read saved requests: ${(error as Error).message}`);
      return { quorums: [], results: [] };
    }
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
