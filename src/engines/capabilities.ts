/**
 * What this device can run: a WebGPU adapter (and its features and limits), WebAssembly, workers,
 * a memory estimate → which backends and models are usable. A device that can run nothing is a
 * follower (it verifies and relays but does not infer), and says why.
 */
import { EMBEDDING_ENGINE_MODELS, LLM_MODELS, type LlmModel } from './models.js';

export type LlmBackend = 'webllm' | 'transformers-wasm' | 'transformers-webgpu';

export interface GpuProbe {
  available: boolean;
  /** Why there is no usable adapter (no `navigator.gpu`, `requestAdapter()` gave null, it threw). */
  reason?: string;
  vendor?: string;
  architecture?: string;
  /** A software adapter (SwiftShader and the like): works, far too slow for LLMs. */
  software: boolean;
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface CapabilityProbe {
  gpu: GpuProbe;
  wasm: boolean;
  worker: boolean;
  /** `navigator.deviceMemory` (GiB, rounded and capped at 8 by browsers), if exposed. */
  deviceMemoryGiB?: number;
  hardwareConcurrency: number;
}

export interface Availability {
  available: boolean;
  reason?: string;
}

export interface DeviceCapabilities extends CapabilityProbe {
  backends: Record<LlmBackend, Availability>;
  /** Best backend for LLMs here, if any. */
  preferredLlmBackend?: LlmBackend;
  /** Rough budget for model weights (MB), from the device memory and adapter limits. */
  memoryBudgetMB: number;
  /** Model ids this device can run, with the backend to use. */
  llmModels: { id: string; backend: LlmBackend }[];
  embeddingModels: string[];
  role: 'worker' | 'follower';
  /** Set for followers: why this device contributes no compute. */
  followerReason?: string;
}

const UNKNOWN_MEMORY_GIB = 4;

/** Pure: turns a probe into decisions (unit-tested without a browser). */
export function assessCapabilities(
  probe: CapabilityProbe,
  models: readonly LlmModel[] = Object.values(LLM_MODELS),
  embeddingModels: readonly string[] = Object.keys(EMBEDDING_ENGINE_MODELS),
): DeviceCapabilities {
  const memoryBudgetMB = Math.round((probe.deviceMemoryGiB ?? UNKNOWN_MEMORY_GIB) * 1024 * 0.5);
  const wasm: Availability = !probe.wasm
    ? { available: false, reason: 'WebAssembly is not available' }
    : !probe.worker
      ? { available: false, reason: 'Web Workers are not available' }
      : { available: true };
  const gpuWorker: Availability = !probe.gpu.available
    ? { available: false, reason: probe.gpu.reason ?? 'no WebGPU adapter' }
    : wasm;
  const webllm: Availability = !gpuWorker.available
    ? gpuWorker
    : probe.gpu.software
      ? { available: false, reason: 'the WebGPU adapter is a software fallback, too slow for WebLLM' }
      : { available: true };
  const backends: Record<LlmBackend, Availability> = {
    webllm,
    'transformers-webgpu': gpuWorker,
    'transformers-wasm': wasm,
  };
  const llmModels: { id: string; backend: LlmBackend }[] = [];
  for (const model of models) {
    if (model.backend === 'webllm') {
      const fits =
        model.vramMB <= memoryBudgetMB &&
        model.requiredFeatures.every((f) => f !== 'shader-f16' || probe.gpu.shaderF16);
      if (webllm.available && fits) llmModels.push({ id: model.id, backend: 'webllm' });
    } else if (model.memoryMB <= memoryBudgetMB) {
      // A real GPU beats WASM; a software adapter does not.
      const backend: LlmBackend | undefined =
        gpuWorker.available && !probe.gpu.software ? 'transformers-webgpu' : wasm.available ? 'transformers-wasm' : undefined;
      if (backend) llmModels.push({ id: model.id, backend });
    }
  }
  const preferredLlmBackend: LlmBackend | undefined = webllm.available
    ? 'webllm'
    : gpuWorker.available && !probe.gpu.software
      ? 'transformers-webgpu'
      : wasm.available
        ? 'transformers-wasm'
        : undefined;
  const runnableEmbeddings = wasm.available ? [...embeddingModels] : [];
  const capabilities: DeviceCapabilities = {
    ...probe,
    backends,
    memoryBudgetMB,
    llmModels,
    embeddingModels: runnableEmbeddings,
    role: llmModels.length > 0 && runnableEmbeddings.length > 0 ? 'worker' : 'follower',
  };
  if (preferredLlmBackend) capabilities.preferredLlmBackend = preferredLlmBackend;
  if (capabilities.role === 'follower') {
    capabilities.followerReason =
      wasm.reason ?? `no model fits this device (memory budget ${memoryBudgetMB} MB; WebGPU: ${gpuWorker.reason ?? 'ok'})`;
  }
  return capabilities;
}

interface NavigatorWithGpu {
  gpu?: { requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null> };
  deviceMemory?: number;
  hardwareConcurrency?: number;
}

interface GpuAdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: { vendor?: string; architecture?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** Asks the WebGPU adapter for its features and limits, without creating a device. */
export async function probeGpu(): Promise<GpuProbe> {
  const none = (reason: string): GpuProbe => ({
    available: false,
    reason,
    software: false,
    shaderF16: false,
    maxBufferSize: 0,
    maxStorageBufferBindingSize: 0,
  });
  const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;
  if (!nav?.gpu) return none('navigator.gpu is missing (no WebGPU in this browser or context)');
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return none(`requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!adapter) return none('requestAdapter() returned null (GPU blocklisted, disabled or absent)');
  const info = adapter.info ?? {};
  const architecture = info.architecture ?? '';
  const probe: GpuProbe = {
    available: true,
    software: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe|software/i.test(architecture),
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
  if (info.vendor) probe.vendor = info.vendor;
  if (architecture) probe.architecture = architecture;
  return probe;
}

/** Probes this browser (page or worker) and assesses it. */
export async function detectCapabilities(): Promise<DeviceCapabilities> {
  const nav = (globalThis as { navigator?: NavigatorWithGpu }).navigator;
  const probe: CapabilityProbe = {
    gpu: await probeGpu(),
    wasm: typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function',
    worker: typeof Worker === 'function',
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
  };
  if (typeof nav?.deviceMemory === 'number') probe.deviceMemoryGiB = nav.deviceMemory;
  return assessCapabilities(probe);
}
