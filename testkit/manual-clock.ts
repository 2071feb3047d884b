import type { Scheduler, TimerHandle } from '../src/network/index.js';

interface PendingTimer {
  at: number;
  seq: number;
  run: () => void;
}

/** A clock that moves only when told to; timers fire in time order during `advance`. */
export class ManualClock implements Scheduler {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(startMs = 1_700_000_000_000) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { at: this.time + Math.max(0, ms), seq: this.seq++, run };
    this.timers.add(timer);
    return { timer };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.timer as PendingTimer);
  }

  /** Moves time forward by `ms`, running each timer due on the way (including ones they schedule). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.timers.delete(next);
      this.time = next.at;
      next.run();
    }
    this.time = end;
  }

  private nextDue(end: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (timer.at > end) continue;
      if (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
    }
    return next;
  }
}
