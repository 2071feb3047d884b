import { bytesToHex, compareHex, concatBytes, hexToBytes, sha256Bytes, sha256Hex, utf8ToBytes } from './bytes.js';
import { canonicalBytes } from './canonical.js';
import type { InferenceRequestBody } from './packets.js';

/**
 * Derived identifiers and the commit-reveal binding. Byte-level definitions (H = SHA-256, ‖ = concatenation,
 * ids/keys/hashes as their raw 32 bytes, text as UTF-8):
 *   requestId    = H(canonicalJSON({createdAt, from, request}))  with `request` the body minus `requestId`
 *   commitment   = H(requestId ‖ synthientId ‖ H(output) ‖ bEmbedding ‖ salt)  (salt is 32 bytes)
 *   inferenceId  = H(requestId ‖ synthientId ‖ commitment)
 *   listHash     = H(commitment_1 ‖ … ‖ commitment_n)  over the reveal list in its (sorted) order
 *   resultHash   = H(requestId ‖ listHash ‖ chosenInferenceId ‖ H(chosenOutput) ‖ H(valid_1 ‖ … ‖ valid_m))
 *                  with the valid inferenceIds sorted ascending
 */

export type RequestFields = Omit<InferenceRequestBody, 'requestId'>;

export function computeRequestId(request: RequestFields, from: string, createdAt: number): string {
  const { requestId: _ignored, ...fields } = request as RequestFields & { requestId?: string };
  return sha256Hex(canonicalBytes({ createdAt, from, request: fields }));
}

export function outputHash(output: string): Uint8Array {
  return sha256Bytes(utf8ToBytes(output));
}

export interface CommitmentInput {
  requestId: string;
  synthientId: string;
  output: string;
  bEmbedding: Uint8Array;
  salt: Uint8Array;
}

export const SALT_BYTES = 32;

export function computeCommitment({ requestId, synthientId, output, bEmbedding, salt }: CommitmentInput): string {
  if (salt.length !== SALT_BYTES) throw new RangeError(`salt must be ${SALT_BYTES} bytes`);
  return sha256Hex(hexToBytes(requestId), hexToBytes(synthientId), outputHash(output), bEmbedding, salt);
}

export function computeInferenceId(requestId: string, synthientId: string, commitment: string): string {
  return sha256Hex(hexToBytes(requestId), hexToBytes(synthientId), hexToBytes(commitment));
}

/** Does a reveal open this commitment? Constant work; never throws on well-formed hex. */
export function revealMatchesCommitment(
  commitment: string,
  reveal: { requestId: string; synthientId: string; output: string; bEmbedding: string; salt: string },
): boolean {
  const recomputed = computeCommitment({
    requestId: reveal.requestId,
    synthientId: reveal.synthientId,
    output: reveal.output,
    bEmbedding: hexToBytes(reveal.bEmbedding),
    salt: hexToBytes(reveal.salt),
  });
  return recomputed === commitment;
}

/** H of the concatenated raw bytes of hex digests, in the order given. */
export function hashDigests(digests: readonly string[]): Uint8Array {
  return sha256Bytes(concatBytes(...digests.map((digest) => hexToBytes(digest))));
}

export function computeListHash(sortedCommitments: readonly string[]): string {
  return bytesToHex(hashDigests(sortedCommitments));
}

export function computeResultHash(input: {
  requestId: string;
  listHash: string;
  chosenInferenceId: string;
  chosenOutput: string;
  validInferenceIds: readonly string[];
}): string {
  const valid = [...input.validInferenceIds].sort(compareHex);
  return sha256Hex(
    hexToBytes(input.requestId),
    hexToBytes(input.listHash),
    hexToBytes(input.chosenInferenceId),
    outputHash(input.chosenOutput),
    hashDigests(valid),
  );
}
