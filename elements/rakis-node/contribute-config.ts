import { EMBEDDING_MODELS, LIMITS } from '../../src/protocol/index.js';
import { DEFAULT_EMBEDDING_MODEL, listAttribute, RakisError, type ContributeOptions } from '../../src/node/index.js';

/** How the site offers compute: not at all, by asking the visitor, or with consent it already has. */
export type ContributeMode = 'off' | 'ask' | 'auto';

export interface ContributeConfig {
  mode: ContributeMode;
  /** What `RakisNode.contribute()` gets once the visitor agrees; undefined for a follower. */
  options: ContributeOptions | undefined;
}

export interface ContributeAttributes {
  contribute: string | null;
  models: string | null;
  embeddingModels: string | null;
  modelBaseUrl: string | null;
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,127}$/;

function invalid(attribute: string, message: string): RakisError {
  return new RakisError('invalid-options', `${attribute}: ${message}`);
}

/** Reads the contribution attributes of `<rakis-node>`; throws `RakisError('invalid-options')` naming the bad one. */
export function readContributeConfig(attributes: ContributeAttributes, baseUrl: string): ContributeConfig {
  const value = attributes.contribute;
  const mode: ContributeMode | undefined = value === null ? 'off' : value === '' || value === 'ask' ? 'ask' : value === 'auto' ? 'auto' : undefined;
  if (!mode) throw invalid('contribute', `"${value}" is not one of: (absent), ask, auto`);

  const models = listAttribute(attributes.models);
  for (const model of models) if (!MODEL_ID.test(model)) throw invalid('models', `"${model}" is not a model id`);
  if (models.length > LIMITS.acceptedModels) throw invalid('models', `at most ${LIMITS.acceptedModels} models`);

  const embeddingModels = attributes.embeddingModels === null ? [DEFAULT_EMBEDDING_MODEL] : listAttribute(attributes.embeddingModels);
  for (const model of embeddingModels) {
    if (!Object.hasOwn(EMBEDDING_MODELS, model)) throw invalid('embedding-models', `"${model}" is not a known embedding model (known: ${Object.keys(EMBEDDING_MODELS).join(', ')})`);
  }

  let modelBaseUrl: string | undefined;
  if (attributes.modelBaseUrl !== null && attributes.modelBaseUrl.trim() !== '') {
    try {
      const url = new URL(attributes.modelBaseUrl.trim(), baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      modelBaseUrl = url.href;
    } catch {
      throw invalid('model-base-url', `"${attributes.modelBaseUrl}" is not an http(s) URL`);
    }
  }

  if (models.length === 0) {
    if (mode !== 'off') throw invalid('contribute', 'there is nothing to contribute: list the models to run in the models attribute');
    return { mode, options: undefined };
  }
  if (embeddingModels.length === 0) throw invalid('embedding-models', 'a contributing node needs at least one embedding model');
  return { mode, options: { models, embeddingModels, ...(modelBaseUrl ? { modelBaseUrl } : {}) } };
}
