/**
 * The few pieces of the pure layers the elements need to read and draw what the node gives them,
 * re-exported on purpose so `elements/` depends on `src/node` alone.
 */
export { EMBEDDING_MODELS, LIMITS, checkSecurityFrame, embeddingSegments, frameEmbeddingModels, hexToBytes, type PeerRole, type SecurityFrame } from '../protocol/index.js';
export { hammingDistance, radiusBits, type FieldAgreement, type JsonConsensus } from '../consensus/index.js';
export { checkResponseSchema, readJsonAnswer, schemaProperties, type JsonSchema, type ObjectSchema } from '../protocol/index.js';
export type { QuorumDecision, QuorumPhase, QuorumRejection, QuorumSnapshot, RejectionKind, RevealStatus } from '../quorum/index.js';
