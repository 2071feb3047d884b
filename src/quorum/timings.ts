import type { InferenceRequestBody, Packet } from '../protocol/index.js';

/**
 * When each phase of a request ends. All instants derive from the request's signed `createdAt` and
 * frame, so every node draws the same lines; only network delay decides which side a packet lands on.
 */
export interface QuorumTimings {
  /** After the commit window: commits signed inside the window may still arrive; then the reveal list is fixed. */
  commitGraceMs: number;
  /** How long others wait for the requester's reveal request before issuing their own (a requester may vanish). */
  requesterWaitMs: number;
  /** How long reveals are accepted once the reveal list can be fixed. */
  revealWindowMs: number;
  /** How long a node that cannot verify waits for attestations after the reveal window. */
  attestationWaitMs: number;
  /**
   * Whether a requester fixes its list sooner than `commitGraceMs` past the window when the delivery it
   * measures is faster (the README's "Settling time" says why this cannot split honest nodes).
   */
  adaptCommitGrace: boolean;
}

export const DEFAULT_TIMINGS: QuorumTimings = {
  commitGraceMs: 1_500,
  requesterWaitMs: 2_000,
  revealWindowMs: 6_000,
  attestationWaitMs: 6_000,
  adaptCommitGrace: true,
};

export interface QuorumSchedule {
  /** End of the commit window: `createdAt + maxTimeMs`. Commits must be signed no later. */
  commitDeadline: number;
  /** Commits received after this are late; the requester fixes the reveal list now. */
  listAt: number;
  /** Without the requester's list by now, any node with a quorum of commits issues one. */
  fallbackListAt: number;
  /** Reveals received after this are late; verifying nodes decide. */
  revealDeadline: number;
  /** A node that cannot verify gives up waiting for attestations. */
  attestationDeadline: number;
}

export function scheduleFor(request: Packet<InferenceRequestBody>, timings: QuorumTimings): QuorumSchedule {
  const commitDeadline = request.createdAt + request.body.securityFrame.maxTimeMs;
  const listAt = commitDeadline + timings.commitGraceMs;
  const fallbackListAt = listAt + timings.requesterWaitMs;
  const revealDeadline = fallbackListAt + timings.revealWindowMs;
  return { commitDeadline, listAt, fallbackListAt, revealDeadline, attestationDeadline: revealDeadline + timings.attestationWaitMs };
}
