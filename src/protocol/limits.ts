/** Protocol version carried in every envelope. */
export const PROTOCOL_VERSION = 1;

/** Hard limits on inbound data: anything beyond is dropped before it costs more than a parse. */
export const LIMITS = {
  packetBytes: 256 * 1024,
  promptChars: 16_384,
  outputChars: 32_768,
  modelIdChars: 128,
  acceptedModels: 16,
  advertisedModels: 32,
  clientChars: 64,
  detailChars: 256,
  knownPeers: 64,
  /** Short ids in one digest: a request's commits, list, reveals and attestations fit. */
  digestIds: 2048,
  /** Requests announced in one batch of small digests. */
  digestEntries: 64,
  /** Short ids asked for in one want. */
  wantIds: 256,
  /** Largest quorum a request may ask for. */
  quorum: 256,
  /** Largest fixed reveal list (commits beyond the quorum are welcome, up to this). */
  revealList: 512,
  /** Largest binary embedding, in bits (all of a frame's models together). */
  embeddingBits: 4096,
  /** Embedding models a frame may name besides its first. */
  extraEmbeddingModels: 3,
  maxTokens: 4096,
  temperature: 2,
  minWindowMs: 1_000,
  maxWindowMs: 600_000,
} as const;

/**
 * Frame values (secDistance, secPercentage) are decimals on the wire, read as integers of this many
 * parts (4 decimal places), so every node, in every engine, draws the line at the same bit. A value
 * finer than that is refused rather than rounded, whichever way the rounding would fall.
 */
export const FRAME_RESOLUTION = 10_000;

/** Clock tolerance for `createdAt`: how far in the future, and how old, a packet may claim to be. */
export const TIME_WINDOW = {
  futureSkewMs: 30_000,
  maxAgeMs: 15 * 60_000,
} as const;
