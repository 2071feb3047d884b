import type { ObjectSchema, RevealRejectionReason, SecurityFrame } from '../protocol/index.js';
import type { QuorumDecision, QuorumEvent, QuorumFailureReason, QuorumPhase } from './events.js';
import type { QuorumSchedule } from './timings.js';

export type RevealStatus = 'unverified' | 'pending' | 'verified' | 'rejected';

/** What was turned down: a commit, a reveal list, a reveal judged here, or a reveal a peer reported rejecting. */
export type RejectionKind = 'commit' | 'reveal-list' | 'reveal' | 'remote-reveal';

export interface QuorumRejection {
  kind: RejectionKind;
  from: string;
  reason: string;
  detail: string;
}

/** A read-only picture of a request for UIs and tests: everything a view needs, so it keeps no state of its own. */
export interface QuorumSnapshot {
  requestId: string;
  /** The requester's synthientId. */
  from: string;
  prompt: string;
  frame: SecurityFrame;
  acceptedModels: string[];
  /** JSON mode: the schema answers must fit. */
  responseSchema?: ObjectSchema;
  phase: QuorumPhase;
  schedule: QuorumSchedule;
  commits: { from: string; inferenceId: string; commitment: string; model: string; createdAt: number }[];
  flagged: string[];
  /** Workers that said they will not answer. */
  declined: string[];
  list?: { from: string; byRequester: boolean; listHash: string; inferenceIds: string[] };
  reveals: { from: string; inferenceId: string; output: string; bEmbedding: string; status: RevealStatus; rejection?: { reason: RevealRejectionReason; detail: string } }[];
  /** The first rejections seen, at most `MAX_REJECTIONS`, oldest first. */
  rejections: QuorumRejection[];
  attestations: { resultHash: string; count: number }[];
  failedAttestations: number;
  decision?: QuorumDecision;
  failure?: { reason: QuorumFailureReason; explanation: string };
}

/** Rejections kept per request: enough to explain a request, bounded against floods. */
export const MAX_REJECTIONS = 64;

/** The rejections of one request, in the order seen, bounded. */
export class RejectionLog {
  private readonly entries: QuorumRejection[] = [];

  record(event: QuorumEvent): void {
    if (this.entries.length >= MAX_REJECTIONS) return;
    const rejection = rejectionOf(event);
    if (rejection) this.entries.push(rejection);
  }

  list(): QuorumRejection[] {
    return [...this.entries];
  }
}

function rejectionOf(event: QuorumEvent): QuorumRejection | undefined {
  switch (event.type) {
    case 'commit-rejected':
      return { kind: 'commit', from: event.from, reason: event.reason, detail: '' };
    case 'reveal-list-rejected':
      return { kind: 'reveal-list', from: event.from, reason: event.reason, detail: event.detail };
    case 'reveal-rejected':
      return { kind: 'reveal', from: event.from, reason: event.reason, detail: event.detail };
    case 'remote-rejection':
      return { kind: 'remote-reveal', from: event.from, reason: event.reason, detail: `of ${event.inferenceId.slice(0, 8)}…` };
    default:
      return undefined;
  }
}
