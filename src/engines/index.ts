/**
 * Engines: LLM and embedding inference for a Rakis node. Importing this module loads no ML library;
 * transformers.js and WebLLM arrive as separate chunks when an engine loads.
 */
export { EmbeddingEngine, type EmbedOptions, type EngineOptions } from './embedding-engine.js';
export type { Embeddings } from './embedding-runtime.js';
export type { LlmEngine } from './llm-engine.js';
export { TransformersLlmEngine } from './transformers-llm-engine.js';
export { WebLlmEngine, type WebLlmEngineOptions } from './web-llm-engine.js';
export { ApiLlmEngine, MAX_RETRY_WAIT_MS } from './api-llm-engine.js';
export { listApiModels, streamChatCompletion, DEFAULT_API_TIMEOUT_MS, type ApiEndpoint, type ChatParams } from './openai-api.js';
export { createLlmEngine, type CreateLlmEngineOptions } from './create-llm-engine.js';
export type { GenerationResult, GenerationStream } from './generation-stream.js';
export type { GenerateOptions } from './text-generation-runtime.js';
export type { EngineStatus, LoadOptions, StatusListener } from './engine-lifecycle.js';
export type { EngineThread } from './engine-channel.js';
export type { TransformersDevice } from './devices.js';
export type { ModelLocation } from './transformers-env.js';
export { EngineError, type EngineErrorCode } from './errors.js';
export type { LoadPhase, LoadProgress, ProgressListener } from './progress.js';
export {
  assessCapabilities,
  detectCapabilities,
  probeGpu,
  type Availability,
  type CapabilityProbe,
  type DeviceCapabilities,
  type GpuProbe,
  type LlmBackend,
} from './capabilities.js';
export {
  EMBEDDING_ENGINE_MODELS,
  LLM_MODELS,
  embeddingEngineModel,
  llmModel,
  type EmbeddingEngineModel,
  type LlmModel,
  type ModelDtype,
  type TransformersLlmModel,
  type WebLlmModel,
} from './models.js';
export { webLlmAppConfig } from './web-llm-config.js';
export { clearModelCache } from './cache.js';
