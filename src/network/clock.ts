/** Time as the mesh sees it: injected so tests and simulations run on a fake clock (testkit/manual-clock.ts). */
export interface Scheduler {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(run: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly timer: unknown };

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (run, ms) => ({ timer: globalThis.setTimeout(run, ms) }),
  clearTimeout: (handle) => globalThis.clearTimeout(handle.timer as ReturnType<typeof globalThis.setTimeout>),
};
