/** Where transformers.js runs a model: onnxruntime's WASM (CPU) or WebGPU execution provider. */
export type TransformersDevice = 'wasm' | 'webgpu';

/** transformers.js device name: in Node "wasm" means onnxruntime-node's CPU provider. */
export function libraryDevice(device: TransformersDevice): 'wasm' | 'webgpu' | 'cpu' {
  const inNode = typeof (globalThis as { process?: { release?: { name?: string } } }).process?.release?.name === 'string'
    && typeof (globalThis as { document?: unknown }).document === 'undefined'
    && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
  return inNode && device === 'wasm' ? 'cpu' : device;
}
