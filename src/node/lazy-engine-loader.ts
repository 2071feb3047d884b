import type { EngineLoader } from './engine-loader.js';
import type { RealEngineOptions } from './real-engines.js';

/**
 * `realEngineLoader` as the script-tag bundle exports it: the loader's code downloads with the
 * engines, when a node first contributes, so a page that only asks never fetches it.
 */
export function lazyRealEngineLoader(options: RealEngineOptions = {}): EngineLoader {
  return async (contribute) => (await import('./real-engines.js')).realEngineLoader(options)(contribute);
}
