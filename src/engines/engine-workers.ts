/**
 * Engine workers, and the one kept back after an engine unloads: starting a worker means importing
 * transformers.js and compiling onnxruntime's wasm again, then several slow batches while the new
 * realm's code is optimized, so an engine loaded soon after another (a reload, a model switch, a
 * second engine) takes the warm worker instead. The spare holds no model (it is unloaded when kept)
 * and is ended after `SPARE_WORKER_MS` unused.
 */
import type { EngineRequest } from './engine-protocol.js';
import { TrustedTypesWorker as Worker } from './trusted-worker.js';

const SPARE_WORKER_MS = 10_000;

let spare: { worker: Worker; timer: ReturnType<typeof setTimeout> } | undefined;

export function takeEngineWorker(): Worker {
  if (spare) {
    clearTimeout(spare.timer);
    const { worker } = spare;
    spare = undefined;
    return worker;
  }
  return new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'rakis-engine' });
}

/**
 * Keeps a worker that answered every request sent to it (nothing of its last engine still running)
 * as the spare, its model freed; the previous spare, if any, ends.
 */
export function keepEngineWorker(worker: Worker): void {
  spare?.worker.terminate();
  clearTimeout(spare?.timer);
  worker.onmessage = null;
  worker.onerror = null;
  // Request ids are unique across channels, so no later channel takes this reply for one of its own.
  worker.postMessage({ type: 'unload', id: 0 } satisfies EngineRequest);
  const timer = setTimeout(() => {
    if (spare?.worker !== worker) return;
    spare = undefined;
    worker.terminate();
  }, SPARE_WORKER_MS);
  spare = { worker, timer };
}
