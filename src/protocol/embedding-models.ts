/**
 * Embedding models the protocol knows: how many dimensions (= bits of a binary embedding) each has,
 * which Matryoshka prefixes are valid, and the default tolerance (bits) when re-checking a claimed
 * embedding against one's own. Engines register how to run them; the protocol only needs sizes.
 */
export interface EmbeddingModelSpec {
  /** Hub id in production, or a `rakis-test/...` fixture id. */
  id: string;
  /** Full output dimension. */
  dims: number;
  /** Valid truncations (Matryoshka prefixes), ascending, including `dims`. */
  matryoshkaDims: readonly number[];
  /** Prefix the model card asks for on documents, if any. */
  documentPrefix?: string;
  /** Bits a re-embedding may differ from the claimed embedding and still verify (cross-device float noise). */
  verifyToleranceBits: number;
}

export const EMBEDDING_MODELS: Readonly<Record<string, EmbeddingModelSpec>> = {
  'nomic-ai/nomic-embed-text-v1.5': {
    id: 'nomic-ai/nomic-embed-text-v1.5',
    dims: 768,
    matryoshkaDims: [64, 128, 256, 512, 768],
    documentPrefix: 'search_document: ',
    verifyToleranceBits: 16,
  },
  'Xenova/all-MiniLM-L6-v2': {
    id: 'Xenova/all-MiniLM-L6-v2',
    dims: 384,
    matryoshkaDims: [384],
    verifyToleranceBits: 12,
  },
  'rakis-test/encoder-mini': {
    id: 'rakis-test/encoder-mini',
    dims: 128,
    matryoshkaDims: [64, 128],
    verifyToleranceBits: 6,
  },
  /** A second test encoder, different in architecture (pre-LN, ReLU, 3 layers) and size, for frames naming two models. */
  'rakis-test/encoder-tiny': {
    id: 'rakis-test/encoder-tiny',
    dims: 64,
    matryoshkaDims: [64],
    verifyToleranceBits: 4,
  },
};

export function embeddingModel(id: string): EmbeddingModelSpec | undefined {
  return Object.hasOwn(EMBEDDING_MODELS, id) ? EMBEDDING_MODELS[id] : undefined;
}

/** Bits of the binary embedding a frame asks for: the requested prefix, else the model's full size. */
export function embeddingBits(modelId: string, dims?: number): number | undefined {
  const spec = embeddingModel(modelId);
  if (!spec) return undefined;
  if (dims === undefined) return spec.dims;
  return spec.matryoshkaDims.includes(dims) ? dims : undefined;
}
