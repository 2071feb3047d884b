import type { Embedder, TextGenerator } from './engine-ports.js';

export type EnginePhase = 'download' | 'compile' | 'warm-up' | 'ready';

/** Aggregated load progress of the engines a node is bringing up (throttled by the engines). */
export interface EngineProgress {
  /** Model id being loaded. */
  model: string;
  /** 0..1 over everything this load will fetch and prepare. */
  progress: number;
  phase: EnginePhase;
  loadedBytes: number;
  totalBytes: number;
}

/**
 * An OpenAI-compatible endpoint the person running the node contributes. Its key is used for calls to
 * `baseUrl` only; it never goes into a packet.
 */
export interface ApiContribution {
  /** Base URL up to and including the API version, e.g. `http://127.0.0.1:8090/v1`. */
  baseUrl: string;
  /**
   * Bearer key. Omitted: the key sealed in the node's store for this `baseUrl` (when the node has a
   * store and a password), else none.
   */
  key?: string;
  /** Longest wait for an answer to begin, and between two streamed pieces (default 60 s). */
  timeoutMs?: number;
}

export interface ContributeOptions {
  /**
   * LLMs to run (ids as requests name them). With `api`: the endpoint's model ids to serve, none
   * meaning every model its `/models` lists.
   */
  models: string[];
  /** Answer through this endpoint instead of loading a language model in the page. */
  api?: ApiContribution;
  /** Embedding models to commit and verify with. */
  embeddingModels: string[];
  /** Where a site serves model files itself; production defaults to the models' hubs. */
  modelBaseUrl?: string;
}

/** Brings up engines. The default loader imports `src/engines` lazily, so a follower never downloads them. */
export type EngineLoader = (
  options: ContributeOptions & { signal: AbortSignal; onProgress: (progress: EngineProgress) => void },
) => Promise<{ generators: TextGenerator[]; embedders: Embedder[] }>;
