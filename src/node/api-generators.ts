import type { ApiContribution } from './engine-loader.js';
import type { TextGenerator } from './engine-ports.js';
import { generatorPort } from './real-engines.js';

type Engines = typeof import('../engines/index.js');

/** Model ids taken from an endpoint's list at most, when the person names none (hosted APIs list dozens). */
export const MAX_API_MODELS = 16;

/**
 * Generators that answer through an OpenAI-compatible endpoint: the `models` named, or every model
 * the endpoint lists. Rejects with the endpoint's `EngineError` (`auth`, `network`, `timeout`,
 * `unknown-model`) so the person sees why.
 */
export async function apiGenerators(engines: Engines, api: ApiContribution, models: readonly string[], signal: AbortSignal): Promise<TextGenerator[]> {
  let url: URL;
  try {
    url = new URL(api.baseUrl);
  } catch {
    throw new engines.EngineError('network', `"${api.baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new engines.EngineError('network', `"${api.baseUrl}" must be an http(s) URL`);
  const endpoint = { baseUrl: api.baseUrl, ...(api.key ? { key: api.key } : {}), ...(api.timeoutMs !== undefined ? { timeoutMs: api.timeoutMs } : {}) };
  const listed = await engines.listApiModels(endpoint, signal);
  const chosen = models.length > 0 ? models : listed.slice(0, MAX_API_MODELS);
  if (chosen.length === 0) throw new engines.EngineError('unknown-model', `${api.baseUrl} lists no model`);
  const generators: TextGenerator[] = [];
  for (const model of chosen) {
    const engine = new engines.ApiLlmEngine(model, endpoint);
    await engine.load({ signal });
    generators.push(generatorPort(engine));
  }
  return generators;
}
