import { DEFAULT_EMBEDDING_MODEL, DEFAULT_MAX_TOKENS, FRAME_PRESETS, LIMITS, listAttribute, type FramePreset, type ObjectSchema } from '../../src/node/index.js';
import { checkEmbeddingModel, invalid, modelList } from '../shared/attributes.js';
import { parseSchemaText } from '../shared/schema-text.js';

/** The prompt box's attributes, read and checked. */
export interface PromptConfig {
  models: string[];
  preset: FramePreset;
  /** The frame's embedding models (one or more), in frame order. */
  embeddingModels: string[];
  maxTokens: number;
  temperature: number;
  /** JSON mode: the schema of the `response-schema` attribute. */
  responseSchema?: ObjectSchema;
}

export interface PromptAttributes {
  models: string | null;
  preset: string | null;
  embeddingModel: string | null;
  maxTokens: string | null;
  temperature: string | null;
  responseSchemaJson?: string | null;
}

/** Throws `RakisError('invalid-options')` naming the bad attribute. */
export function readPromptConfig(attributes: PromptAttributes): PromptConfig {
  const models = modelList('models', attributes.models);
  const preset = (attributes.preset ?? 'balanced').trim() || 'balanced';
  if (!Object.hasOwn(FRAME_PRESETS, preset)) throw invalid('preset', `"${preset}" is not one of ${Object.keys(FRAME_PRESETS).join(', ')}`);
  const embeddingModels = listAttribute(attributes.embeddingModel);
  if (embeddingModels.length === 0) embeddingModels.push(DEFAULT_EMBEDDING_MODEL);
  for (const model of embeddingModels) checkEmbeddingModel('embedding-model', model);
  if (new Set(embeddingModels).size !== embeddingModels.length) throw invalid('embedding-model', 'names a model twice');
  if (embeddingModels.length > 1 + LIMITS.extraEmbeddingModels) throw invalid('embedding-model', `at most ${1 + LIMITS.extraEmbeddingModels} embedding models`);
  const maxTokens = attributes.maxTokens === null ? DEFAULT_MAX_TOKENS : Number(attributes.maxTokens);
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > LIMITS.maxTokens) throw invalid('max-tokens', `"${attributes.maxTokens}" is not a whole number from 1 to ${LIMITS.maxTokens}`);
  const temperature = attributes.temperature === null ? 0 : Number(attributes.temperature);
  if (!(temperature >= 0 && temperature <= LIMITS.temperature)) throw invalid('temperature', `"${attributes.temperature}" is not a number from 0 to ${LIMITS.temperature}`);
  const { schema, problem } = parseSchemaText(attributes.responseSchemaJson ?? '');
  if (problem) throw invalid('response-schema', problem);
  return { models, preset: preset as FramePreset, embeddingModels, maxTokens, temperature, ...(schema ? { responseSchema: schema } : {}) };
}
