import { EMBEDDING_MODELS, embeddingBits } from './embedding-models.js';
import { checkExtraEmbeddingModels, concatenatedEmbeddingBytes } from './frame-embeddings.js';
import { FRAME_RESOLUTION, LIMITS } from './limits.js';
import {
  CONSENSUS_FAILURE_REASONS,
  DECLINE_REASONS,
  REVEAL_REJECTION_REASONS,
  type PacketBody,
  type PacketType,
  type SecurityFrame,
} from './packets.js';
import { checkResponseSchema } from './json-schema.js';
import { arr, hex, hexOfSize, int, literal, num, obj, oneOf, optional, str, type Check } from './schema.js';

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

const modelId = str(LIMITS.modelIdChars, MODEL_ID, 1);
const hash = hex(32);
const synthientId = hex(32);
/** A packet's short id in digests: the first 8 bytes of its id. */
const shortId = hex(8);
const timestamp = int(0, Number.MAX_SAFE_INTEGER);

/** Sizes (bytes) of every binary embedding some frame can ask for: one model's, or several models' concatenated. */
const EMBEDDING_BYTE_SIZES = concatenatedEmbeddingBytes(
  Object.values(EMBEDDING_MODELS).map((spec) => spec.matryoshkaDims.map((dims) => dims / 8)),
  1 + LIMITS.extraEmbeddingModels,
  LIMITS.embeddingBits / 8,
);
const bEmbedding = hexOfSize((bytes) => EMBEDDING_BYTE_SIZES.has(bytes), 'frame of registered embedding models');

const securityFrameShape = obj({
  quorum: int(1, LIMITS.quorum),
  maxTimeMs: int(LIMITS.minWindowMs, LIMITS.maxWindowMs),
  secDistance: num(0, 1),
  secPercentage: num(0, 1, { exclusiveMin: true }),
  embeddingModel: modelId,
  embeddingDims: optional(int(8, LIMITS.embeddingBits)),
  extraEmbeddingModels: optional(
    arr(obj({ model: modelId, dims: optional(int(8, LIMITS.embeddingBits)) }), LIMITS.extraEmbeddingModels, { minItems: 1 }),
  ),
});

/** Shape plus meaning: the embedding model must be known and the prefix one it supports. */
export function checkSecurityFrame(frame: unknown, path = 'securityFrame'): string | undefined {
  const problem = securityFrameShape(frame, path);
  if (problem) return problem;
  const { embeddingModel, embeddingDims, secDistance, secPercentage } = frame as SecurityFrame;
  for (const [name, value] of [['secDistance', secDistance], ['secPercentage', secPercentage]] as const) {
    // A finer value would be rounded by the integer thresholds: 0.94001 would need the cluster of 0.9400.
    if (Math.abs(value * FRAME_RESOLUTION - Math.round(value * FRAME_RESOLUTION)) > 1e-6) return `${path}.${name} ${value} has more than 4 decimal places`;
  }
  if (!Object.hasOwn(EMBEDDING_MODELS, embeddingModel)) return `${path}.embeddingModel ${embeddingModel} is not a known embedding model`;
  if (embeddingBits(embeddingModel, embeddingDims) === undefined) {
    return `${path}.embeddingDims ${embeddingDims} is not a Matryoshka size of ${embeddingModel}`;
  }
  return checkExtraEmbeddingModels(frame as SecurityFrame, path);
}

const peerStatus = {
  role: oneOf(['worker', 'observer'] as const),
  models: arr(modelId, LIMITS.advertisedModels, { unique: true }),
  embeddingModels: arr(modelId, LIMITS.advertisedModels, { unique: true }),
  tokensServed: int(0, Number.MAX_SAFE_INTEGER),
  client: str(LIMITS.clientChars, PRINTABLE),
};

/** An attestation's frame models its author could not re-embed with (a frame names at most 4). */
const unverifiedModels = optional(arr(modelId, 1 + LIMITS.extraEmbeddingModels, { minItems: 1, unique: true }));

const commitEntry = obj({
  from: synthientId,
  createdAt: timestamp,
  inferenceId: hash,
  commitment: hash,
  model: modelId,
  sig: hex(64),
});

const BODY_CHECKS: Record<PacketType, Check> = {
  inferenceRequest: obj({
    type: literal('inferenceRequest'),
    requestId: hash,
    prompt: str(LIMITS.promptChars, undefined, 1),
    acceptedModels: arr(modelId, LIMITS.acceptedModels, { minItems: 1, unique: true }),
    temperature: num(0, LIMITS.temperature),
    maxTokens: int(1, LIMITS.maxTokens),
    seed: optional(int(0, 0xffff_ffff)),
    securityFrame: checkSecurityFrame,
    responseSchema: optional(checkResponseSchema),
  }),
  commit: obj({ type: literal('commit'), requestId: hash, inferenceId: hash, commitment: hash, model: modelId }),
  revealRequest: obj({
    type: literal('revealRequest'),
    requestId: hash,
    commits: arr(commitEntry, LIMITS.revealList, { minItems: 1 }),
  }),
  reveal: obj({
    type: literal('reveal'),
    requestId: hash,
    inferenceId: hash,
    output: str(LIMITS.outputChars),
    bEmbedding,
    salt: hex(32),
  }),
  revealRejection: obj({
    type: literal('revealRejection'),
    requestId: hash,
    inferenceId: hash,
    reason: oneOf(REVEAL_REJECTION_REASONS),
    detail: optional(str(LIMITS.detailChars)),
  }),
  decline: obj({ type: literal('decline'), requestId: hash, reason: oneOf(DECLINE_REASONS) }),
  consensus: (value, path) =>
    (value as { outcome?: unknown } | null)?.outcome === 'failed'
      ? obj({
          type: literal('consensus'),
          requestId: hash,
          outcome: literal('failed'),
          listHash: optional(hash),
          reason: oneOf(CONSENSUS_FAILURE_REASONS),
          inputs: optional(int(0, LIMITS.revealList)),
          unverifiedModels,
        })(value, path)
      : obj({
          type: literal('consensus'),
          requestId: hash,
          outcome: literal('decided'),
          listHash: hash,
          validInferenceIds: arr(hash, LIMITS.revealList, { minItems: 1, unique: true }),
          chosenInferenceId: hash,
          resultHash: hash,
          inputs: optional(int(0, LIMITS.revealList)),
          unverifiedModels,
        })(value, path),
  hello: obj({ type: literal('hello'), ...peerStatus }),
  status: obj({ type: literal('status'), ...peerStatus }),
  digest: obj({
    type: literal('digest'),
    requestId: hash,
    count: int(0, LIMITS.digestIds),
    hash,
    ids: optional(arr(shortId, LIMITS.digestIds, { unique: true })),
  }),
  digests: obj({
    type: literal('digests'),
    entries: arr(obj({ requestId: hash, count: int(0, LIMITS.digestIds), hash, alone: optional(literal(true)) }), LIMITS.digestEntries, { minItems: 1 }),
  }),
  want: obj({ type: literal('want'), requestId: hash, holder: synthientId, ids: arr(shortId, LIMITS.wantIds, { minItems: 1, unique: true }) }),
  knownPeers: obj({
    type: literal('knownPeers'),
    peers: arr(
      obj({ synthientId, models: arr(modelId, LIMITS.advertisedModels), lastSeen: timestamp }),
      LIMITS.knownPeers,
    ),
  }),
};

/** Structural check of a body; returns the problem, or undefined when the body is well-formed. */
export function checkBody(body: unknown): string | undefined {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(BODY_CHECKS, type)) return 'body.type is not a known packet type';
  return BODY_CHECKS[type as PacketType](body, 'body');
}

export function isBody<T extends PacketBody>(body: unknown): body is T {
  return checkBody(body) === undefined;
}

export const checkEnvelopeFields = obj({
  v: int(0, Number.MAX_SAFE_INTEGER),
  from: synthientId,
  createdAt: timestamp,
  body: (value, path) => (typeof value === 'object' && value !== null ? undefined : `${path} must be an object`),
  sig: hex(64),
});
