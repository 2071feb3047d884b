/**
 * Picks the LLM engine a device should run: the first model of the node's preference list that the
 * device can run, on the backend its capabilities prefer (WebLLM on a hardware adapter, otherwise
 * transformers.js, on WASM when WebGPU is missing or software).
 */
import { detectCapabilities, type DeviceCapabilities } from './capabilities.js';
import type { EngineOptions } from './embedding-engine.js';
import { EngineError } from './errors.js';
import type { LlmEngine } from './llm-engine.js';
import { TransformersLlmEngine } from './transformers-llm-engine.js';
import { WebLlmEngine } from './web-llm-engine.js';

export interface CreateLlmEngineOptions extends Omit<EngineOptions, 'device'> {
  /** Model ids in order of preference (WebLLM and transformers.js ids may be mixed). */
  models: readonly string[];
  /** Base URL of self-hosted MLC builds for WebLLM models. */
  webLlmModelBaseUrl?: string;
  /** Skip detection (tests, or a node that already probed). */
  capabilities?: DeviceCapabilities;
}

/** @throws EngineError `unsupported` (with the device's reason) when no listed model can run here. */
export async function createLlmEngine(options: CreateLlmEngineOptions): Promise<LlmEngine> {
  const capabilities = options.capabilities ?? (await detectCapabilities());
  for (const id of options.models) {
    const choice = capabilities.llmModels.find((m) => m.id === id);
    if (!choice) continue;
    const { models: _models, webLlmModelBaseUrl, capabilities: _capabilities, ...engineOptions } = options;
    if (choice.backend === 'webllm') {
      return new WebLlmEngine(id, {
        ...(webLlmModelBaseUrl !== undefined ? { modelBaseUrl: webLlmModelBaseUrl } : {}),
        ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      });
    }
    return new TransformersLlmEngine(id, { ...engineOptions, device: choice.backend === 'transformers-webgpu' ? 'webgpu' : 'wasm' });
  }
  const reasons = Object.entries(capabilities.backends)
    .filter(([, a]) => !a.available)
    .map(([backend, a]) => `${backend}: ${a.reason}`);
  throw new EngineError(
    'unsupported',
    `none of ${options.models.join(', ')} can run here${reasons.length ? ` (${reasons.join('; ')})` : ''}`,
  );
}
