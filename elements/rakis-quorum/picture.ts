import { hammingDistance, hexToBytes, type QuorumSnapshot } from '../../src/node/index.js';
import { classicalMds } from './mds.js';

/**
 * The embedding-space picture of one request: every revealed answer placed by classical MDS on the
 * normalized Hamming distances between their binary embeddings, with the agreeing cluster, its
 * sphere and the chosen answer marked. Pure: a snapshot in, plain data out.
 */
export type PointKind = 'member' | 'outlier' | 'rejected' | 'pending';

export interface PicturePoint {
  inferenceId: string;
  from: string;
  x: number;
  y: number;
  kind: PointKind;
  chosen: boolean;
  /** Normalized Hamming distance to the chosen answer, when there is one. */
  distanceToChosen: number | undefined;
  rejection: string | undefined;
}

export interface QuorumPicture {
  points: PicturePoint[];
  /** The agreeing sphere (centre in picture coordinates, radius in normalized distance), once decided. */
  sphere: { x: number; y: number; radius: number } | undefined;
  bits: number;
}

type Reveal = QuorumSnapshot['reveals'][number];

/** Once decided, every revealed answer outside the cluster is an outlier (a node that adopted attestations never verified them itself). */
function kindOf(reveal: Reveal, members: Set<string> | undefined): PointKind {
  if (reveal.status === 'rejected') return 'rejected';
  if (members) return members.has(reveal.inferenceId) ? 'member' : 'outlier';
  return 'pending';
}

/** `secDistance` is the frame's radius, used when this node did not cluster itself (it adopted attestations). */
export function quorumPicture(snapshot: QuorumSnapshot, secDistance?: number): QuorumPicture {
  const withEmbedding = snapshot.reveals.filter((reveal) => reveal.bEmbedding.length > 0);
  const size = withEmbedding[0]?.bEmbedding.length;
  const reveals = withEmbedding.filter((reveal) => reveal.bEmbedding.length === size);
  const bits = (size ?? 0) * 4;
  const embeddings = reveals.map((reveal) => hexToBytes(reveal.bEmbedding));
  const distances = embeddings.map((a) => embeddings.map((b) => (bits > 0 ? hammingDistance(a, b) / bits : 0)));
  const coordinates = classicalMds(distances);

  const decision = snapshot.decision;
  const consensus = decision?.consensus;
  const members = decision ? new Set(consensus?.members ?? decision.validInferenceIds) : undefined;
  const chosenIndex = decision ? reveals.findIndex((reveal) => reveal.inferenceId === decision.chosenInferenceId) : -1;

  const points = reveals.map((reveal, i): PicturePoint => ({
    inferenceId: reveal.inferenceId,
    from: reveal.from,
    x: coordinates[i]!.x,
    y: coordinates[i]!.y,
    kind: kindOf(reveal, members),
    chosen: i === chosenIndex,
    distanceToChosen: chosenIndex >= 0 ? distances[i]![chosenIndex] : undefined,
    rejection: reveal.rejection ? `${reveal.rejection.reason}: ${reveal.rejection.detail}` : undefined,
  }));

  let sphere: QuorumPicture['sphere'];
  const radius = consensus && bits > 0 ? consensus.radiusBits / bits : secDistance;
  const centreId = consensus?.centre ?? decision?.chosenInferenceId;
  const centre = points.find((point) => point.inferenceId === centreId);
  if (centre && radius !== undefined) sphere = { x: centre.x, y: centre.y, radius };
  return { points, sphere, bits };
}

/** The picture in words, for screen readers and for anyone who prefers a list. */
export function describePicture(picture: QuorumPicture, shortId: (id: string) => string): string {
  const { points, sphere } = picture;
  if (points.length === 0) return 'No answers revealed yet.';
  const count = (kind: PointKind) => points.filter((point) => point.kind === kind).length;
  const parts = [`${points.length} ${points.length === 1 ? 'answer' : 'answers'} revealed.`];
  const members = count('member');
  if (members > 0) {
    parts.push(`${members} agree${sphere ? ` within distance ${sphere.radius.toFixed(2)} of the centre` : ''} (the agreeing cluster).`);
  }
  const outliers = points.filter((point) => point.kind === 'outlier');
  if (outliers.length > 0) {
    parts.push(
      `Outliers: ${outliers.map((point) => `node ${shortId(point.from)}${point.distanceToChosen !== undefined ? ` at distance ${point.distanceToChosen.toFixed(2)} from the chosen answer` : ''}`).join('; ')}.`,
    );
  }
  const rejected = points.filter((point) => point.kind === 'rejected');
  if (rejected.length > 0) parts.push(`Rejected: ${rejected.map((point) => `node ${shortId(point.from)} (${point.rejection ?? 'rejected'})`).join('; ')}.`);
  const pending = count('pending');
  if (pending > 0) parts.push(`${pending} not yet judged.`);
  const chosen = points.find((point) => point.chosen);
  if (chosen) parts.push(`The chosen answer is from node ${shortId(chosen.from)}.`);
  return parts.join(' ');
}
