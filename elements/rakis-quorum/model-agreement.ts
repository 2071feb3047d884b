import { embeddingSegments, hammingDistance, hexToBytes, radiusBits, type QuorumSnapshot } from '../../src/node/index.js';

/** How many revealed answers one embedding model alone places within the radius of the sphere's centre. */
export interface ModelAgreement {
  model: string;
  bits: number;
  agreeing: number;
  of: number;
}

/**
 * Per embedding model of a frame naming several, the revealed answers not rejected here (verified, or
 * unverified on a node that cannot embed) within `secDistance` of the decision's centre (the chosen
 * answer when the decision was adopted from attestations) in that model alone: the cluster is the
 * answers close in every model, so this shows which model kept answers out. Undefined for one model or
 * no decision.
 */
export function modelAgreement(snapshot: QuorumSnapshot): ModelAgreement[] | undefined {
  const segments = embeddingSegments(snapshot.frame);
  const decision = snapshot.decision;
  if (!segments || segments.length < 2 || !decision) return undefined;
  const verified = snapshot.reveals.filter((reveal) => reveal.status !== 'rejected');
  const centreId = decision.consensus?.centre ?? decision.chosenInferenceId;
  const centre = verified.find((reveal) => reveal.inferenceId === centreId);
  if (!centre) return undefined;
  const centreBytes = hexToBytes(centre.bEmbedding);
  return segments.map(({ model, bits, offsetBytes }) => {
    const slice = (bytes: Uint8Array) => bytes.subarray(offsetBytes, offsetBytes + bits / 8);
    const radius = radiusBits(snapshot.frame.secDistance, bits);
    const agreeing = verified.filter((reveal) => hammingDistance(slice(hexToBytes(reveal.bEmbedding)), slice(centreBytes)) <= radius).length;
    return { model, bits, agreeing, of: verified.length };
  });
}
