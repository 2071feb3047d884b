import type { StoredResult } from '../store/types.js';
import type { RequestJournal } from './request-journal.js';

const IN_MEMORY = 200;

/** Settled requests, newest first: this session's and, with a store, earlier ones. Bounded. */
export class SettledResults {
  private readonly list: StoredResult[] = [];

  constructor(private readonly journal: RequestJournal) {}

  get all(): readonly StoredResult[] {
    return this.list;
  }

  /** Results of earlier sessions, loaded at start. */
  restore(results: StoredResult[]): void {
    this.list.push(...results.slice(0, IN_MEMORY - this.list.length));
  }

  add(result: StoredResult): void {
    const index = this.list.findIndex((known) => known.requestId === result.requestId);
    if (index >= 0) this.list.splice(index, 1);
    this.list.unshift(result);
    this.list.length = Math.min(this.list.length, IN_MEMORY);
    this.journal.saveResult(result);
  }
}
