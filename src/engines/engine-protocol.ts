/** Messages between an engine and the thread running its model (a Web Worker, or the page itself). */
import type { SerializedEngineError } from './errors.js';
import type { TransformersDevice } from './devices.js';
import type { Embeddings } from './embedding-runtime.js';
import type { GenerationResult } from './generation-stream.js';
import type { LoadProgress } from './progress.js';
import type { GenerateOptions } from './text-generation-runtime.js';
import type { ModelLocation } from './transformers-env.js';

export type EngineRequest =
  | { type: 'load'; id: number; kind: 'embedding' | 'text-generation'; modelId: string; device: TransformersDevice; location: ModelLocation }
  | { type: 'embed'; id: number; texts: string[]; dims?: number }
  | { type: 'generate'; id: number; prompt: string; options: Omit<GenerateOptions, 'signal'> }
  /** Cancels the request with `target`'s id. */
  | { type: 'abort'; id: number; target: number }
  | { type: 'unload'; id: number };

export type EngineReply =
  | { type: 'progress'; id: number; progress: LoadProgress }
  | { type: 'text'; id: number; text: string }
  | { type: 'result'; id: number; value?: Embeddings | GenerationResult }
  | { type: 'error'; id: number; error: SerializedEngineError };

export type PostReply = (reply: EngineReply, transfer?: Transferable[]) => void;
