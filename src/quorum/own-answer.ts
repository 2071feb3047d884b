import { bytesToHex, computeCommitment, computeInferenceId, type CommitBody, type RevealBody } from '../protocol/index.js';
import type { OwnAnswer, OwnReveal } from './events.js';

/** This node's commit to its answer, bound with a fresh `salt`, and the secret opening to keep until it reveals. */
export function ownCommit(requestId: string, self: string, answer: OwnAnswer, salt: Uint8Array): { commit: CommitBody; ownReveal: OwnReveal } {
  const { output, bEmbedding, model } = answer;
  const commitment = computeCommitment({ requestId, synthientId: self, output, bEmbedding, salt });
  const inferenceId = computeInferenceId(requestId, self, commitment);
  return { commit: { type: 'commit', requestId, inferenceId, commitment, model }, ownReveal: { inferenceId, output, bEmbedding, salt } };
}

export function ownRevealBody(requestId: string, own: OwnReveal): RevealBody {
  return { type: 'reveal', requestId, inferenceId: own.inferenceId, output: own.output, bEmbedding: bytesToHex(own.bEmbedding), salt: bytesToHex(own.salt) };
}
