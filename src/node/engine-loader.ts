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

export interface ContributeOptions {
  /** LLMs to run (ids as requests name them). */
  models: string[];
  /** Embedding models to commit and verify with. */
  embeddingModels: string[];
  /** Where a site serves model files itself; production defaults to the models' hubs. */
  modelBaseUrl?: string;
}

/** Brings up engines. The default loader imports `src/engines` lazily, so a follower never downloads them. */
export type EngineLoader = (
  options: ContributeOptions & { signal: AbortSignal; onProgress: (progress: EngineProgress) => void },
) => Promise<{ generators: TextGenerator[]; embedders: Embedder[] }>;
