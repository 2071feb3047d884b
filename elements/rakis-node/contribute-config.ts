import { DEFAULT_EMBEDDING_MODEL, listAttribute, type ContributeOptions } from '../../src/node/index.js';
import { checkEmbeddingModel, invalid, modelList } from '../shared/attributes.js';

/** How the site offers compute: not at all, by asking the visitor, or with consent it already has. */
export type ContributeMode = 'off' | 'ask' | 'auto';

export interface ContributeConfig {
  mode: ContributeMode;
  /** What `NodeApi.contribute()` gets once the visitor agrees; undefined for a follower. */
  options: ContributeOptions | undefined;
}

export interface ContributeAttributes {
  contribute: string | null;
  models: string | null;
  embeddingModels: string | null;
  modelBaseUrl: string | null;
  /** An OpenAI-compatible endpoint to answer through instead of an in-page model. */
  apiUrl?: string | null;
}

/** Reads the contribution attributes of `<rakis-node>`; throws `RakisError('invalid-options')` naming the bad one. */
export function readContributeConfig(attributes: ContributeAttributes, baseUrl: string): ContributeConfig {
  const value = attributes.contribute;
  const mode: ContributeMode | undefined = value === null ? 'off' : value === '' || value === 'ask' ? 'ask' : value === 'auto' ? 'auto' : undefined;
  if (!mode) throw invalid('contribute', `"${value}" is not one of: (absent), ask, auto`);

  const models = modelList('models', attributes.models, true);

  const embeddingModels = attributes.embeddingModels === null ? [DEFAULT_EMBEDDING_MODEL] : listAttribute(attributes.embeddingModels);
  for (const model of embeddingModels) checkEmbeddingModel('embedding-models', model);

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

  const apiUrl = (attributes.apiUrl ?? '').trim();
  if (apiUrl !== '') {
    let url: URL;
    try {
      url = new URL(apiUrl, baseUrl);
    } catch {
      throw invalid('api-url', `"${apiUrl}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('api-url', `"${apiUrl}" is not an http(s) URL`);
    if (embeddingModels.length === 0) throw invalid('embedding-models', 'a contributing node needs at least one embedding model');
    // Without `models`, the endpoint's own list (`/models`) says what it serves.
    const api = { baseUrl: url.href.replace(/\/+$/, '') };
    return { mode, options: { models, embeddingModels, api, ...(modelBaseUrl ? { modelBaseUrl } : {}) } };
  }

  if (models.length === 0) {
    if (mode !== 'off') throw invalid('contribute', 'there is nothing to contribute: list the models to run in the models attribute, or give an api-url');
    return { mode, options: undefined };
  }
  if (embeddingModels.length === 0) throw invalid('embedding-models', 'a contributing node needs at least one embedding model');
  return { mode, options: { models, embeddingModels, ...(modelBaseUrl ? { modelBaseUrl } : {}) } };
}
