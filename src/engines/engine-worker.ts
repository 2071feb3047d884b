/** Web Worker entry running one engine's model; heavy libraries load on its first `load` request. */
import type { EngineReply, EngineRequest } from './engine-protocol.js';
import { createEngineService } from './engine-service.js';

// The project's lib set is DOM's; this is the slice of DedicatedWorkerGlobalScope used here.
const scope = self as unknown as {
  postMessage(reply: EngineReply, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<EngineRequest>) => void) | null;
};
const handle = createEngineService((reply, transfer) => scope.postMessage(reply, transfer ?? []));
scope.onmessage = (event) => handle(event.data);
