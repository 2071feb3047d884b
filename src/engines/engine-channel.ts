/**
 * The engine's side of the request/reply protocol: numbered requests, progress and text streamed
 * back, abort forwarded. Two carriers: a Web Worker (default in browsers) or the page's own thread.
 */
import type { EngineReply, EngineRequest } from './engine-protocol.js';
import { keepEngineWorker, takeEngineWorker } from './engine-workers.js';
import { deserializeEngineError, EngineError } from './errors.js';
import type { LoadProgress } from './progress.js';

/** Requests without their id (the channel numbers them). */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;
export type EngineCall = Unnumbered<Exclude<EngineRequest, { type: 'abort' }>>;

export interface CallHandlers {
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
  onText?: (text: string) => void;
  /** Abort by tearing the carrier down (mid-load: stops downloads and compilation at once). */
  hardAbort?: boolean;
}

export interface EngineChannel {
  call<T>(request: EngineCall, handlers?: CallHandlers): Promise<T>;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: EngineError): void;
  handlers: CallHandlers;
}

export type EngineThread = 'worker' | 'main';

export function defaultThread(): EngineThread {
  return typeof Worker === 'function' ? 'worker' : 'main';
}

/** Request ids, unique across channels: a worker passed from one channel to the next may still answer the first. */
let nextId = 1;

export async function openEngineChannel(thread: EngineThread): Promise<EngineChannel> {
  if (thread === 'worker') {
    const worker = takeEngineWorker();
    return createChannel((request) => worker.postMessage(request), (onReply, onFatal) => {
      worker.onmessage = (event: MessageEvent<EngineReply>) => onReply(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        onFatal(new EngineError('internal', `engine worker failed: ${event.message || 'script error'}`));
      };
      // A worker still busy for this channel (a call in flight, a load torn down) or broken is ended.
      return (reusable) => (reusable ? keepEngineWorker(worker) : worker.terminate());
    });
  }
  const { createEngineService } = await import('./engine-service.js');
  let deliver: ((reply: EngineReply) => void) | undefined;
  const handle = createEngineService((reply) => deliver?.(reply));
  return createChannel(handle, (onReply) => {
    deliver = onReply;
    return () => {
      deliver = undefined;
      // The thread cannot be killed; free the model instead.
      handle({ type: 'unload', id: -1 });
    };
  });
}

function createChannel(
  send: (request: EngineRequest) => void,
  /** Returns the teardown, told whether the carrier is fit for another engine (see `reusable`). */
  connect: (onReply: (reply: EngineReply) => void, onFatal: (error: EngineError) => void) => (settled: boolean) => void,
): EngineChannel {
  const pending = new Map<number, Pending>();
  let closed = false;
  /**
   * No request was given up unanswered (a load torn down: the carrier may still be at it) nor failed
   * for anything but an abort (an unhealthy model, memory run out: its state is not to be trusted).
   */
  let reusable = true;

  const failAll = (error: EngineError) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  const teardown = connect(
    (reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      switch (reply.type) {
        case 'progress':
          p.handlers.onProgress?.(reply.progress);
          return;
        case 'text':
          p.handlers.onText?.(reply.text);
          return;
        case 'result':
          pending.delete(reply.id);
          p.resolve(reply.value);
          return;
        case 'error':
          if (reply.error.code !== 'aborted') reusable = false;
          pending.delete(reply.id);
          p.reject(deserializeEngineError(reply.error));
      }
    },
    (error) => {
      closed = true;
      teardown(false);
      failAll(error);
    },
  );

  const channel: EngineChannel = {
    call<T>(request: EngineCall, handlers: CallHandlers = {}): Promise<T> {
      if (closed) return Promise.reject(new EngineError('not-loaded', 'engine is closed'));
      const { signal } = handlers;
      if (signal?.aborted) return Promise.reject(new EngineError('aborted', 'aborted'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          if (handlers.hardAbort) {
            pending.delete(id);
            reusable = false;
            reject(new EngineError('aborted', 'aborted'));
            channel.close();
          } else {
            send({ type: 'abort', id: nextId++, target: id });
          }
        };
        const done = () => signal?.removeEventListener('abort', onAbort);
        pending.set(id, {
          resolve: (value) => {
            done();
            resolve(value as T);
          },
          reject: (error) => {
            done();
            reject(error);
          },
          handlers,
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        send({ ...request, id } as EngineRequest);
      });
    },
    close() {
      if (closed) return;
      closed = true;
      teardown(reusable && pending.size === 0);
      failAll(new EngineError('aborted', 'engine closed'));
    },
  };
  return channel;
}
