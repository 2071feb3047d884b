import type { RakisNode } from '../../src/node/index.js';

/** What `<rakis-prompt>` and `<rakis-quorum>` need of a `<rakis-node>`: its started node. */
export interface NodeProvider {
  whenNode(): Promise<RakisNode>;
}

export function isNodeProvider(element: Element | null): element is Element & NodeProvider {
  return !!element && typeof (element as Partial<NodeProvider>).whenNode === 'function';
}

/** A promise with its settlers, whose rejection never goes unhandled when nobody is waiting yet. */
export class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  private settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => (this.settle = { resolve, reject }));
    this.promise.catch(() => undefined);
  }

  resolve(value: T): void {
    this.settled = true;
    this.settle.resolve(value);
  }

  reject(error: unknown): void {
    this.settled = true;
    this.settle.reject(error);
  }
}
