/** Clearing what the engines' libraries cached (model files and onnxruntime's wasm). */
import { clearTransformersCache } from './transformers-env.js';

/**
 * Deletes the transformers.js cache and, when `webLlmModelIds` are given, WebLLM's cached weights,
 * kernels and configs for them. Resolves true if anything was deleted.
 */
export async function clearModelCache(webLlmModelIds: readonly string[] = []): Promise<boolean> {
  let cleared = await clearTransformersCache();
  if (webLlmModelIds.length > 0) {
    const webllm = await import('@mlc-ai/web-llm');
    for (const id of webLlmModelIds) {
      await webllm.deleteModelAllInfoInCache(id, webllm.prebuiltAppConfig);
      cleared = true;
    }
  }
  return cleared;
}
