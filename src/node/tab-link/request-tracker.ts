import { encodePacket } from '../../protocol/index.js';
import type { QuorumFailureReason } from '../../quorum/index.js';
import type { StoredResult } from '../../store/types.js';
import type { SignedRequest } from '../node-api.js';
import type { RakisNodeEvents } from '../node-events.js';
import { EventStream, type RequestEvent, type RequestResult } from '../request-handle.js';

interface Pending {
  packet: SignedRequest;
  wire: string;
  stream: EventStream<RequestEvent>;
  resolve: (result: RequestResult) => void;
}

/**
 * The requests this tab asked, until settled: their handles are fed from the node's events, whichever
 * tab runs the node, so a handle outlives a change of leader (the new one is handed the request again).
 */
export class RequestTracker {
  private readonly pending = new Map<string, Pending>();

  open(packet: SignedRequest): { stream: EventStream<RequestEvent>; result: Promise<RequestResult>; wire: string } {
    const stream = new EventStream<RequestEvent>();
    let resolve!: (result: RequestResult) => void;
    const result = new Promise<RequestResult>((r) => (resolve = r));
    const wire = new TextDecoder().decode(encodePacket(packet));
    this.pending.set(packet.body.requestId, { packet, wire, stream, resolve });
    return { stream, result, wire };
  }

  /** The requests still waiting, as signed packets and as encoded for another tab. */
  packets(): SignedRequest[] {
    return [...this.pending.values()].map((pending) => pending.packet);
  }

  wires(): string[] {
    return [...this.pending.values()].map((pending) => pending.wire);
  }

  isPending(requestId: string): boolean {
    return this.pending.has(requestId);
  }

  event<K extends keyof RakisNodeEvents>(type: K, event: RakisNodeEvents[K]): void {
    if (type === 'quorum') {
      const tagged = event as RequestEvent;
      this.pending.get(tagged.requestId)?.stream.push(tagged);
    } else if (type === 'consensus') {
      const { requestId, decision, attestations } = event as RakisNodeEvents['consensus'];
      this.settle({ requestId, outcome: 'decided', output: decision.output, decision, attestations });
    } else if (type === 'failed') {
      const { requestId, reason, explanation } = event as RakisNodeEvents['failed'];
      this.settle({ requestId, outcome: 'failed', attestations: 0, reason: reason as QuorumFailureReason, explanation });
    }
  }

  /** Settles what the node settled while this tab was not listening (a change of leader); a stored result names no full decision. */
  settledIn(results: readonly StoredResult[]): void {
    for (const stored of results) {
      if (!this.pending.has(stored.requestId)) continue;
      this.settle({
        requestId: stored.requestId,
        outcome: stored.outcome,
        attestations: stored.attestations ?? 0,
        ...(stored.output !== undefined ? { output: stored.output } : {}),
        ...(stored.reason ? { reason: stored.reason as QuorumFailureReason } : {}),
      });
    }
  }

  cancel(requestId: string): void {
    this.settle({ requestId, outcome: 'failed', attestations: 0, reason: 'cancelled', explanation: 'cancelled by the requester' });
  }

  /** This tab stops: the handles' event streams end (their results stay unsettled, as a stopped node's). */
  close(): void {
    for (const pending of this.pending.values()) pending.stream.close();
    this.pending.clear();
  }

  private settle(result: RequestResult): void {
    const pending = this.pending.get(result.requestId);
    if (!pending) return;
    this.pending.delete(result.requestId);
    pending.stream.close();
    pending.resolve(result);
  }
}
