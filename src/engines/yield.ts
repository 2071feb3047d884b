/**
 * Lets queued tasks (an `abort` message, page input) run between inference steps: onnxruntime's WASM
 * runs resolve without leaving the current task, so a generation loop would otherwise hold the
 * thread until it ends. In browsers a message to oneself queues behind messages already posted to
 * this thread (`scheduler.yield()` would not: its continuation outranks them; `setTimeout` is clamped
 * to 4 ms); in Node a timer does.
 */
const inBrowser =
  typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

let port: MessagePort | undefined;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  if (!inBrowser || typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!port) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    port = channel.port2;
  }
  const sender = port;
  return new Promise((resolve) => {
    waiting.push(resolve);
    sender.postMessage(null);
  });
}
