import { decide, decideJson, requiredClusterSize, type ConsensusResult, type JsonConsensusResult } from '../consensus/index.js';
import {
  compareHex,
  computeResultHash,
  revealMatchesCommitment,
  type CommitEntry,
  type ObjectSchema,
  type ConsensusBody,
  type ConsensusFailureReason,
  type RevealBody,
  type SecurityFrame,
} from '../protocol/index.js';
import type { AttestationTally, DecidedAttestation } from './attestation-tally.js';
import type { EmbeddingChecks } from './embedding-checks.js';
import type { QuorumDecision, QuorumFailureReason } from './events.js';
import type { RevealList } from './reveal-list.js';
import type { RevealRecord } from './reveal-book.js';

export type VerifiedOutcome =
  | { attestation: ConsensusBody; decision: QuorumDecision }
  | { attestation: ConsensusBody; failure: Extract<ConsensusResult, { status: 'failed' }> };

/**
 * The decision of a node that verified: the densest sphere over the listed reveals it verified, with
 * withheld and rejected reveals counting against agreement, and the attestation it broadcasts.
 */
export function decideVerified(input: {
  requestId: string;
  list: RevealList;
  reveals: ReadonlyMap<string, RevealRecord>;
  frame: SecurityFrame;
  embeddings: EmbeddingChecks;
  /** JSON mode: answers must fit this schema, and agree on its exact fields. */
  responseSchema?: ObjectSchema;
  /** Listed reveals with their final verdict, named in the attestation. */
  inputs: number;
}): VerifiedOutcome {
  const { requestId, list, reveals, frame, embeddings, responseSchema, inputs } = input;
  // A verifier that lacks some of the frame's models says so in what it attests.
  const unverified = embeddings.unverifiedModels.length > 0 ? { unverifiedModels: embeddings.unverifiedModels } : {};
  const listed = list.entries
    .map((entry) => ({ entry, record: reveals.get(entry.inferenceId) }))
    .filter((item): item is { entry: CommitEntry; record: RevealRecord } => item.record !== undefined);
  const verified = listed.filter(({ record }) => record.status === 'verified');
  const common = {
    commitCount: list.entries.length,
    rejectedCount: listed.length - verified.length,
    secDistance: frame.secDistance,
    secPercentage: frame.secPercentage,
    bits: embeddings.bits,
    segmentBits: embeddings.segments.map((segment) => segment.bits),
  };
  const points = verified.map(({ entry, record }) => ({ inferenceId: entry.inferenceId, commitment: entry.commitment, bEmbedding: record.bEmbedding, output: record.output }));
  const result = responseSchema ? decideJson({ ...common, points, schema: responseSchema }) : decide({ ...common, points });
  if (result.status === 'failed') {
    return { attestation: { type: 'consensus', requestId, outcome: 'failed', listHash: list.listHash, reason: result.reason, inputs, ...unverified }, failure: result };
  }
  const chosen = reveals.get(result.chosen)!;
  const entry = list.entries.find((candidate) => candidate.inferenceId === result.chosen)!;
  const validInferenceIds = [...result.members].sort(compareHex);
  const resultHash = computeResultHash({ requestId, listHash: list.listHash, chosenInferenceId: result.chosen, chosenOutput: chosen.output, validInferenceIds });
  return {
    attestation: { type: 'consensus', requestId, outcome: 'decided', listHash: list.listHash, validInferenceIds, chosenInferenceId: result.chosen, resultHash, inputs, ...unverified },
    decision: {
      basis: 'verified',
      chosenInferenceId: result.chosen,
      output: chosen.output,
      chosenFrom: chosen.from,
      model: entry.model,
      resultHash,
      listHash: list.listHash,
      validInferenceIds,
      consensus: result,
      ...(responseSchema ? { json: (result as JsonConsensusResult).json } : {}),
    },
  };
}

/** What a node that cannot verify needs to follow attestations. */
export interface FollowInput {
  requestId: string;
  tally: AttestationTally;
  list: RevealList | undefined;
  secPercentage: number;
  current: QuorumDecision | undefined;
  findCommit: (inferenceId: string) => CommitEntry | undefined;
  openingOf: (entry: CommitEntry) => RevealBody | undefined;
}

/**
 * The results a follower may take, most attested first: those attested by as many listed committers as
 * a decision needs. Attackers within the frame's tolerance hold fewer, so an honest verifier is among
 * them; otherwise one forged but well-formed attestation, sent the moment a colluder's reveal is out,
 * would win. Each comes with its chosen commit, if this node knows it.
 */
function* followable({ tally, list, secPercentage, findCommit }: FollowInput): Generator<{ resultHash: string; attestation: DecidedAttestation; entry: CommitEntry | undefined }> {
  const listed = new Set(list?.entries.map((entry) => entry.from));
  const required = list ? requiredClusterSize(secPercentage, list.entries.length) : Infinity;
  for (const resultHash of tally.ranked()) {
    // Ranked by count: past the first too few in all, none has enough listed attesters.
    if (tally.countFor(resultHash) < required) return;
    if (tally.attestedBy(listed, resultHash) < required) continue;
    const attestation = tally.find(resultHash)!;
    yield { resultHash, attestation, entry: findCommit(attestation.chosenInferenceId) };
  }
}

/**
 * A node that cannot verify follows the result most nodes attested, but only one it can check: it must
 * hold the chosen reveal, and the attested result hash must match what it recomputes. Returns the
 * decision to settle on, or undefined to keep the current one (or keep waiting).
 */
export function followAttestations(input: FollowInput): QuorumDecision | undefined {
  for (const { resultHash, attestation, entry } of followable(input)) {
    if (input.current?.resultHash === resultHash) return undefined;
    const chosen = entry && input.openingOf(entry);
    const decision = entry && chosen && adoptAttestation(input.requestId, attestation, entry, chosen);
    if (decision) return decision;
  }
  return undefined;
}

/** Whether two attestations of this node say the same (so a re-decision need not be sent again). */
export function sameResult(a: ConsensusBody, b: ConsensusBody): boolean {
  return a.listHash === b.listHash && (a.outcome === 'decided' ? b.outcome === 'decided' && a.resultHash === b.resultHash : b.outcome === 'failed' && a.reason === b.reason);
}

/** Why a node that cannot verify ends without a decision at its deadline, from what it holds. */
export function followerFailure(input: FollowInput): { reason: QuorumFailureReason; explanation: string } {
  for (const { entry } of followable(input)) {
    if (entry && !input.openingOf(entry)) return { reason: 'chosen-reveal-missing', explanation: 'enough listed nodes attested a result, but its chosen reveal never reached this node' };
  }
  // Nodes that verified and failed say why: the most given reason is this node's too.
  const failure = input.tally.topFailure();
  if (failure) {
    const nodes = failure.count === 1 ? '1 node that verified reported' : `${failure.count} nodes that verified reported`;
    return { reason: failure.reason, explanation: `${nodes} ${FAILURE_WORDS[failure.reason]}` };
  }
  return { reason: 'no-attestations', explanation: 'no node that could verify attested a decision in time' };
}

/** How a verifier's failure reads in a follower's explanation. */
const FAILURE_WORDS: Record<ConsensusFailureReason, string> = {
  'not-enough-commits': 'that too few commits arrived',
  'no-reveals': 'that no listed reveal arrived',
  'all-rejected': 'that every reveal was rejected',
  'cluster-too-small': 'that too few answers agreed',
};

/**
 * The decision of a node that cannot verify, taken from an attestation, only if it checks out here:
 * the chosen reveal opens its commitment and the attested result hash recomputes from it.
 */
function adoptAttestation(requestId: string, attestation: DecidedAttestation, entry: CommitEntry, chosen: RevealBody): QuorumDecision | undefined {
  if (!revealMatchesCommitment(entry.commitment, { ...chosen, synthientId: entry.from })) return undefined;
  const recomputed = computeResultHash({
    requestId,
    listHash: attestation.listHash,
    chosenInferenceId: attestation.chosenInferenceId,
    chosenOutput: chosen.output,
    validInferenceIds: attestation.validInferenceIds,
  });
  if (recomputed !== attestation.resultHash) return undefined;
  return {
    basis: 'attested',
    chosenInferenceId: attestation.chosenInferenceId,
    output: chosen.output,
    chosenFrom: entry.from,
    model: entry.model,
    resultHash: attestation.resultHash,
    listHash: attestation.listHash,
    validInferenceIds: attestation.validInferenceIds,
  };
}
