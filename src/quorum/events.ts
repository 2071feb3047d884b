import type { ConsensusResult, JsonConsensus } from '../consensus/index.js';
import type { CommitBody, Identity, InferenceRequestBody, Packet, PacketBody, RevealRejectionReason } from '../protocol/index.js';
import type { QuorumTimings } from './timings.js';

export type QuorumPhase = 'collecting' | 'revealing' | 'deciding' | 'decided' | 'failed';

export type CommitRejectionReason = 'late' | 'before-request' | 'equivocation' | 'bad-inference-id' | 'model-not-accepted' | 'after-list';

export type RevealListRejectionReason =
  | 'too-few-commits'
  | 'not-sorted'
  | 'duplicate-committer'
  | 'bad-entry'
  | 'bad-entry-signature'
  | 'entry-after-deadline'
  | 'too-early';

/** Why a request ended without an answer, as this node saw it. */
export type QuorumFailureReason =
  | 'not-enough-commits'
  | 'no-reveal-list'
  | 'no-reveals'
  | 'all-rejected'
  | 'cluster-too-small'
  | 'no-attestations'
  /** A node that cannot verify held enough attestations of a result, but not the reveal it chose. */
  | 'chosen-reveal-missing';

export interface QuorumDecision {
  /** How this node knows: it verified and decided itself, or it adopted attestations of others. */
  basis: 'verified' | 'attested';
  chosenInferenceId: string;
  output: string;
  /** Committer of the chosen answer. */
  chosenFrom: string;
  model: string;
  resultHash: string;
  listHash: string;
  validInferenceIds: string[];
  /** The full clustering result (verifying nodes only). */
  consensus?: Extract<ConsensusResult, { status: 'decided' }>;
  /** JSON mode (verifying nodes only): answers set aside as invalid, and which fields agreed. */
  json?: JsonConsensus;
}

export type QuorumEvent =
  | { type: 'phase'; phase: QuorumPhase }
  | { type: 'commit'; from: string; inferenceId: string; model: string }
  | { type: 'commit-rejected'; from: string; inferenceId: string; reason: CommitRejectionReason }
  | { type: 'duplicate'; packetType: PacketBody['type']; from: string }
  | { type: 'reveal-list'; from: string; size: number; listHash: string; byRequester: boolean }
  | { type: 'reveal-list-rejected'; from: string; reason: RevealListRejectionReason; detail: string }
  | { type: 'reveal'; from: string; inferenceId: string }
  | { type: 'reveal-rejected'; from: string; inferenceId: string; reason: RevealRejectionReason; detail: string }
  | { type: 'needs-embedding'; inferenceId: string; output: string }
  | { type: 'remote-rejection'; from: string; inferenceId: string; reason: RevealRejectionReason }
  | { type: 'attestation'; from: string; outcome: 'decided' | 'failed'; resultHash?: string; count: number }
  | { type: 'attestation-conflict'; from: string }
  /** Not kept: the request holds as many attestations as it may, and this node is not a committer. */
  | { type: 'attestation-refused'; from: string }
  | { type: 'decided'; decision: QuorumDecision }
  | { type: 'failed'; reason: QuorumFailureReason; explanation: string; consensus?: ConsensusResult };

/** What a step of the state machine asks of its driver: packets (signed by this node) to broadcast, and what happened. */
export interface QuorumStep {
  send: Packet[];
  events: QuorumEvent[];
}

/** This node's own answer, kept secret until the reveal list is fixed. */
export interface OwnReveal {
  inferenceId: string;
  output: string;
  bEmbedding: Uint8Array;
  salt: Uint8Array;
}

/** What this node answered, to commit to. */
export interface OwnAnswer {
  output: string;
  bEmbedding: Uint8Array;
  model: string;
}

export interface QuorumOptions {
  /** The request, already verified by the receiver. */
  request: Packet<InferenceRequestBody>;
  /** This node: the quorum signs what it asks to send (its commit, reveal, list, rejections, attestation). */
  identity: Identity;
  /** Whether this node can re-embed outputs with at least one of the frame's embedding models (and so decide itself). */
  canVerify: boolean;
  /** Frame models this node cannot run: it verifies with the others, and its attestations say so. */
  unverifiedModels?: readonly string[];
  timings?: Partial<QuorumTimings>;
  /** Bits a re-embedding may differ from a claimed embedding, in every model; defaults to each model's tolerance scaled to its prefix. */
  verifyToleranceBits?: number;
  /** Signature check for commits that reach this node only inside a reveal list. */
  verifyCommit?: (packet: Packet<CommitBody>) => boolean;
}
