/** Web Worker entry for WebLLM: its own handler runs the MLC engine on the worker's WebGPU device. */
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
(self as unknown as { onmessage: (event: MessageEvent) => void }).onmessage = (event) => handler.onmessage(event);
