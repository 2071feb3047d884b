import type { RequestEvent } from '../../src/node/index.js';

/** Pure helpers of `<rakis-quorum>`: checking its request id and keeping the rejections it saw. */

const REQUEST_ID = /^[0-9a-f]{64}$/i;

export function requestIdProblem(value: string): string | undefined {
  return REQUEST_ID.test(value.trim()) ? undefined : `"${value}" is not a request id (64 hexadecimal characters)`;
}

export interface Rejection {
  from: string;
  /** What was rejected: a commit, a reveal list, a reveal. */
  what: string;
  reason: string;
  detail: string;
}

const PER_REQUEST = 64;
const REQUESTS = 32;

/** Rejections by request, as the node reports them; bounded, oldest requests forgotten first. */
export class RejectionLog {
  private readonly byRequest = new Map<string, Rejection[]>();

  add(event: RequestEvent): void {
    const rejection = rejectionOf(event);
    if (!rejection) return;
    let list = this.byRequest.get(event.requestId);
    if (!list) {
      if (this.byRequest.size >= REQUESTS) this.byRequest.delete(this.byRequest.keys().next().value!);
      this.byRequest.set(event.requestId, (list = []));
    }
    if (list.length < PER_REQUEST) list.push(rejection);
  }

  for(requestId: string): readonly Rejection[] {
    return this.byRequest.get(requestId) ?? [];
  }
}

export function rejectionOf(event: RequestEvent): Rejection | undefined {
  switch (event.type) {
    case 'commit-rejected':
      return { from: event.from, what: 'commit', reason: event.reason, detail: '' };
    case 'reveal-list-rejected':
      return { from: event.from, what: 'reveal list', reason: event.reason, detail: event.detail };
    case 'reveal-rejected':
      return { from: event.from, what: 'reveal', reason: event.reason, detail: event.detail };
    case 'remote-rejection':
      return { from: event.from, what: 'reveal (reported by a peer)', reason: event.reason, detail: `of ${event.inferenceId.slice(0, 8)}…` };
    default:
      return undefined;
  }
}
