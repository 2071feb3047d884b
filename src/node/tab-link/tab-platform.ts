/**
 * What tabs of one origin share to elect one of them and talk: the Web Locks API and BroadcastChannel
 * in browsers; tests pass their own.
 */
export interface TabPlatform {
  /**
   * Waits for the lock `name` (held by at most one tab of the origin at a time), then holds it while
   * `held` runs; the browser releases it when the tab closes. Rejects when `signal` aborts the wait.
   */
  hold(name: string, signal: AbortSignal, held: () => Promise<void>): Promise<void>;
  channel(name: string): TabChannel;
}

export interface TabChannel {
  post(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
  close(): void;
}

/** Whether this browser can share one node between tabs (else each tab runs its own). */
export function canShareAcrossTabs(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.locks && typeof BroadcastChannel === 'function';
}

export const browserTabPlatform: TabPlatform = {
  hold: async (name, signal, held) => void (await navigator.locks.request(name, { signal }, held)),
  channel(name) {
    const channel = new BroadcastChannel(name);
    return {
      post: (message) => channel.postMessage(message),
      onMessage: (listener) => channel.addEventListener('message', (event) => listener(event.data)),
      close: () => channel.close(),
    };
  },
};
