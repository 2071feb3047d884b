/**
 * The packets of the Rakis protocol. Every packet is an envelope `{v, from, createdAt, body, sig}`;
 * `sig` is ed25519 by `from` over the canonical bytes of the other four fields. Hashes, ids, keys,
 * salts and embeddings travel as lowercase hex (one spelling per value).
 */
import type { ObjectSchema } from './json-schema.js';

/** Consensus parameters chosen by the requester. Distances are normalized Hamming (0..1). */
export interface SecurityFrame {
  /** Commits needed before the window closes for the request to go to reveal. */
  quorum: number;
  /** Length of the commit window, from the request's `createdAt`. */
  maxTimeMs: number;
  /** Sphere radius: points within this normalized Hamming distance of the centre agree. */
  secDistance: number;
  /** Fraction of the fixed reveal list the agreeing cluster must hold. */
  secPercentage: number;
  /** Embedding model every verifier re-embeds outputs with. */
  embeddingModel: string;
  /** Matryoshka prefix of the embedding to compare; defaults to the model's full size. */
  embeddingDims?: number;
  /**
   * Further embedding models (1..3), each with an optional Matryoshka prefix. Every commit binds one
   * binary embedding per model, and two answers agree only if they are within `secDistance` in every
   * model. Absent: the one model above, as before.
   */
  extraEmbeddingModels?: FrameEmbedding[];
}

/** One embedding model a frame names, with an optional Matryoshka prefix (bits). */
export interface FrameEmbedding {
  model: string;
  dims?: number;
}

export interface InferenceRequestBody {
  type: 'inferenceRequest';
  /** `H(canonical({createdAt, from, request}))` where `request` is this body without `requestId`. */
  requestId: string;
  prompt: string;
  acceptedModels: string[];
  temperature: number;
  maxTokens: number;
  seed?: number;
  securityFrame: SecurityFrame;
  /** JSON mode: the answer must be JSON fitting this schema (see `json-schema.ts`). */
  responseSchema?: ObjectSchema;
}

export interface CommitBody {
  type: 'commit';
  requestId: string;
  /** `H(requestId ‖ synthientId ‖ commitment)`. */
  inferenceId: string;
  /** `H(requestId ‖ synthientId ‖ H(output) ‖ bEmbedding ‖ salt)`. */
  commitment: string;
  /** The LLM that produced the committed output (one of the request's accepted models). */
  model: string;
}

/** A commit as carried inside a reveal request: enough to re-verify its signature anywhere. */
export interface CommitEntry {
  from: string;
  createdAt: number;
  inferenceId: string;
  commitment: string;
  model: string;
  sig: string;
}

/** Why a worker that runs an accepted model does not answer a request. */
export const DECLINE_REASONS = ['too-slow', 'queue-full', 'requester-busy', 'window-missed', 'unhealthy', 'failed'] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

export function isDeclineReason(value: unknown): value is DeclineReason {
  return (DECLINE_REASONS as readonly unknown[]).includes(value);
}

/**
 * A worker that runs an accepted model says it will not answer (busy, too slow, its engine failed), so
 * the requester need not keep the commit window open for it.
 */
export interface DeclineBody {
  type: 'decline';
  requestId: string;
  reason: DeclineReason;
}

export interface RevealRequestBody {
  type: 'revealRequest';
  requestId: string;
  /** The fixed reveal list: distinct committers, sorted by commitment, then inferenceId (byte order, ascending). */
  commits: CommitEntry[];
}

export interface RevealBody {
  type: 'reveal';
  requestId: string;
  inferenceId: string;
  output: string;
  /**
   * Packed sign bits of the output's embedding under the request's frame: with several models, one
   * binary embedding per model concatenated in frame order.
   */
  bEmbedding: string;
  /** 32 random bytes that keep the commitment from being brute-forced from guessed outputs. */
  salt: string;
}

export const REVEAL_REJECTION_REASONS = [
  'commitment-mismatch',
  'embedding-mismatch',
  'embedding-size',
  'not-in-list',
  'late',
] as const;
export type RevealRejectionReason = (typeof REVEAL_REJECTION_REASONS)[number];

export interface RevealRejectionBody {
  type: 'revealRejection';
  requestId: string;
  inferenceId: string;
  reason: RevealRejectionReason;
  detail?: string;
}

export const CONSENSUS_FAILURE_REASONS = [
  'not-enough-commits',
  'no-reveals',
  'all-rejected',
  'cluster-too-small',
] as const;
export type ConsensusFailureReason = (typeof CONSENSUS_FAILURE_REASONS)[number];

/** A node's attestation of the decision it reached independently. */
export type ConsensusBody =
  | {
      type: 'consensus';
      requestId: string;
      outcome: 'decided';
      /** Hash of the fixed reveal list the decision was made over. */
      listHash: string;
      /** Members of the agreeing cluster, sorted. */
      validInferenceIds: string[];
      chosenInferenceId: string;
      /** Binds request, list, cluster and chosen output: equal on every node that decided the same. */
      resultHash: string;
      /**
       * How many listed reveals had their final verdict when this node decided: a node that learns
       * more re-decides and attests again with more, so a later attestation of more inputs replaces
       * its author's earlier one instead of conflicting with it.
       */
      inputs?: number;
      /** Frame models this node could not re-embed with: it verified the reveals with the others only. */
      unverifiedModels?: string[];
    }
  | {
      type: 'consensus';
      requestId: string;
      outcome: 'failed';
      listHash?: string;
      reason: ConsensusFailureReason;
      inputs?: number;
      unverifiedModels?: string[];
    };

/**
 * What a node holds about a request, so peers can send what it misses: the request, the commits, the
 * adopted reveal list, the kept reveals and the tallied attestations, named by short id (the first 8
 * bytes of each packet id, hex). `hash` is SHA-256 over the sorted short ids' bytes, so two nodes that
 * hold the same packets can tell from a small digest; `ids`, sorted ascending, comes only in a full
 * digest, sent when the hashes differ.
 */
export interface DigestBody {
  type: 'digest';
  requestId: string;
  count: number;
  hash: string;
  ids?: string[];
}

/**
 * Small digests (no ids) of several requests in one signed packet: a node announces every request it
 * follows at once, so its signatures and packets do not grow with the number of requests open.
 */
export interface DigestsBody {
  type: 'digests';
  entries: DigestEntry[];
}

/**
 * One small digest in a batch. `alone` marks a node that follows the request quietly and has heard no
 * digest of it for a while: those who speak for it may be out of its reach, so any node that holds
 * more answers it, not only those who speak.
 */
export interface DigestEntry extends Omit<DigestBody, 'type' | 'ids'> {
  alone?: true;
}

/** Asks `holder`, whose digest listed them, for these packets (short ids) about a request. */
export interface WantBody {
  type: 'want';
  requestId: string;
  holder: string;
  ids: string[];
}

export type PeerRole = 'worker' | 'observer';

export interface PeerStatusFields {
  role: PeerRole;
  /** LLMs this node runs. */
  models: string[];
  /** Embedding models this node can verify with. */
  embeddingModels: string[];
  tokensServed: number;
  /** Free-form client name and version. */
  client: string;
}

/** Sent on joining; `status` repeats it periodically so peers keep the node alive in their tables. */
export interface HelloBody extends PeerStatusFields {
  type: 'hello';
}

export interface StatusBody extends PeerStatusFields {
  type: 'status';
}

export interface KnownPeer {
  synthientId: string;
  models: string[];
  lastSeen: number;
}

export interface KnownPeersBody {
  type: 'knownPeers';
  peers: KnownPeer[];
}

export type PacketBody =
  | InferenceRequestBody
  | CommitBody
  | RevealRequestBody
  | RevealBody
  | RevealRejectionBody
  | DeclineBody
  | ConsensusBody
  | HelloBody
  | StatusBody
  | KnownPeersBody
  | DigestBody
  | DigestsBody
  | WantBody;

export type PacketType = PacketBody['type'];

export const PACKET_TYPES: readonly PacketType[] = [
  'inferenceRequest',
  'commit',
  'revealRequest',
  'reveal',
  'revealRejection',
  'decline',
  'consensus',
  'hello',
  'status',
  'knownPeers',
  'digest',
  'digests',
  'want',
];

export interface Packet<B extends PacketBody = PacketBody> {
  v: 1;
  /** The sender's synthientId (ed25519 public key, hex). */
  from: string;
  /** Sender's clock, ms since the epoch. */
  createdAt: number;
  body: B;
  sig: string;
}

export type BodyOf<T extends PacketType> = Extract<PacketBody, { type: T }>;
