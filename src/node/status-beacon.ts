import type { Scheduler, TimerHandle } from '../network/index.js';
import type { NodeStatus } from './node-events.js';

/** At most this often, so a burst of peers or packets costs one refresh of every widget. */
const MIN_INTERVAL_MS = 250;

/**
 * Emits the node's status when what it shows changed: at once when the last emission is old enough,
 * else once at the end of the interval. Packet counters alone never count as a change (they move
 * with every packet); they ride along with the next real one.
 */
export class StatusBeacon {
  private shown = '';
  private lastAt = -Infinity;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly read: () => NodeStatus,
    private readonly emit: (status: NodeStatus) => void,
  ) {}

  /** Something the status shows changed. */
  changed(): void {
    if (this.timer) return;
    const wait = this.lastAt + MIN_INTERVAL_MS - this.scheduler.now();
    if (wait <= 0) this.emitNow();
    else this.timer = this.scheduler.setTimeout(() => this.emitNow(), wait);
  }

  /** Looks whether the status changed by itself (a transport went live, a peer timed out). */
  check(): void {
    if (fingerprint(this.read()) !== this.shown) this.changed();
  }

  /** The last status, now and unthrottled (the node stopped). */
  final(): void {
    this.stop();
    this.emitNow();
  }

  stop(): void {
    if (this.timer) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emitNow(): void {
    this.timer = undefined;
    this.lastAt = this.scheduler.now();
    const status = this.read();
    this.shown = fingerprint(status);
    this.emit(status);
  }
}

function fingerprint(status: NodeStatus): string {
  const { packets: _packets, dropped: _dropped, transports, ...shown } = status;
  // Traffic counters and a waiting transport's retry time move on their own; state and errors are what a view shows.
  return JSON.stringify([shown, transports.map(({ retryAt: _retryAt, sent: _sent, received: _received, ...health }) => health)]);
}
