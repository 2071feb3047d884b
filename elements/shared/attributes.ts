import { EMBEDDING_MODELS, LIMITS, listAttribute, RakisError } from '../../src/node/index.js';

/** Reading the elements' attributes: every problem is a `RakisError('invalid-options')` that names the attribute. */

export function invalid(attribute: string, message: string): RakisError {
  return new RakisError('invalid-options', `${attribute}: ${message}`);
}

/** The known embedding models, for messages. */
export const EMBEDDING_MODEL_IDS = Object.keys(EMBEDDING_MODELS).join(', ');

export function isEmbeddingModel(model: string): boolean {
  return Object.hasOwn(EMBEDDING_MODELS, model);
}

export function checkEmbeddingModel(attribute: string, model: string): string {
  if (!isEmbeddingModel(model)) throw invalid(attribute, `"${model}" is not a known embedding model (known: ${EMBEDDING_MODEL_IDS})`);
  return model;
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,127}$/;

/** A list of model ids (space or comma separated), at most as many as a request may accept; `checkIds` also checks each id's form. */
export function modelList(attribute: string, value: string | null, checkIds = false): string[] {
  const models = listAttribute(value);
  if (checkIds) for (const model of models) if (!MODEL_ID.test(model)) throw invalid(attribute, `"${model}" is not a model id`);
  if (models.length > LIMITS.acceptedModels) throw invalid(attribute, `at most ${LIMITS.acceptedModels} models`);
  return models;
}

/** A request id: 64 hex characters, case-insensitive. */
export function requestIdAttribute(attribute: string, value: string): string {
  if (!/^[0-9a-f]{64}$/i.test(value.trim())) throw invalid(attribute, `"${value}" is not a request id (64 hexadecimal characters)`);
  return value.trim().toLowerCase();
}

/** What `read` returns, or the sentence it throws (the attributes are wrong). */
export function checked<T>(read: () => T): { value: T; problem?: undefined } | { value?: undefined; problem: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
