import type { HeapScheduler } from './heap-scheduler.js';

export interface ChurnState {
  left: number;
  joined: number;
  /** Resolves once every leaver stopped and every joiner started. */
  settled(): Promise<void>;
}

export interface ChurnOptions<T> {
  /** Nodes that leave, and as many that join. */
  count: number;
  /** Absolute simulated times between which each leave and join happens, at random. */
  from: number;
  until: number;
  random: () => number;
  scheduler: HeapScheduler;
  /** Who may leave (shuffled here); a leaver is marked `left` and stopped. */
  candidates: T[];
  /** Builds, registers and starts one fresh node. */
  join: () => Promise<void>;
}

/** Churn: `count` of the candidates leave at random moments in `[from, until]`, and `count` fresh nodes join over that span. */
export function scheduleChurn<T extends { left?: boolean; node: { stop(): Promise<void> } }>(options: ChurnOptions<T>): ChurnState {
  const { count, from, until, random, scheduler } = options;
  const pending: Promise<unknown>[] = [];
  const state: ChurnState = { left: 0, joined: 0, settled: () => Promise.all(pending).then(() => undefined) };
  if (count === 0) return state;
  const moment = () => from + random() * (until - from) - scheduler.now();
  const candidates = [...options.candidates];
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  for (const leaver of candidates.slice(0, count)) {
    scheduler.setTimeout(() => {
      leaver.left = true;
      state.left++;
      pending.push(leaver.node.stop());
    }, moment());
  }
  for (let i = 0; i < count; i++) {
    scheduler.setTimeout(() => {
      state.joined++;
      pending.push(options.join());
    }, moment());
  }
  return state;
}
