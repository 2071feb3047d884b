import type { QuorumDecision, QuorumEvent, QuorumFailureReason, QuorumSnapshot } from '../quorum/index.js';

/** A quorum event, tagged with its request. */
export type RequestEvent = QuorumEvent & { requestId: string };

export interface RequestResult {
  requestId: string;
  outcome: 'decided' | 'failed';
  /** The chosen answer (decided only). */
  output?: string;
  decision?: QuorumDecision;
  /** Independent nodes that attested the same result hash when the result was settled here. */
  attestations: number;
  reason?: QuorumFailureReason | 'cancelled';
  explanation?: string;
}

/** What `RakisNode.request()` returns: the request's live events, its result, and a way to stop waiting. */
export interface RequestHandle {
  readonly requestId: string;
  /** Every event of this request, ending once it is decided, failed or cancelled. */
  readonly events: AsyncIterable<RequestEvent>;
  /** Resolves when the request is decided or failed (never rejects; a cancelled request resolves as failed). */
  readonly result: Promise<RequestResult>;
  /** Stops following the request locally (the network may still finish it). */
  cancel(): void;
  snapshot(): QuorumSnapshot | undefined;
}

/** Buffers events for async iteration; a slow reader never blocks the node, and iteration ends when closed. */
export class EventStream<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private readonly waiters: ((result: IteratorResult<T>) => void)[] = [];
  private closed = false;

  push(event: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: event, done: false });
    else this.buffer.push(event);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const value = this.buffer.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
