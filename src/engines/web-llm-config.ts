/**
 * WebLLM's app config for a site that hosts MLC builds itself: each record of WebLLM's prebuilt list
 * rewritten to `<base><model_id>/resolve/main/` (weights, as `cleanModelUrl` expects) and
 * `<base>libs/<model lib file>` (the compiled WebGPU kernels).
 */
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';

export function webLlmAppConfig(prebuilt: AppConfig, modelIds: readonly string[], modelBaseUrl?: string): AppConfig {
  const records = prebuilt.model_list.filter((record) => modelIds.includes(record.model_id));
  if (modelBaseUrl === undefined) return { ...prebuilt, model_list: records };
  const base = modelBaseUrl.endsWith('/') ? modelBaseUrl : `${modelBaseUrl}/`;
  return {
    ...prebuilt,
    model_list: records.map((record): ModelRecord => {
      const libFile = record.model_lib.slice(record.model_lib.lastIndexOf('/') + 1);
      return { ...record, model: `${base}${record.model_id}/resolve/main/`, model_lib: `${base}libs/${libFile}` };
    }),
  };
}
