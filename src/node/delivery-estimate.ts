/** Samples kept: recent enough to follow the network, enough that one quick burst does not hide a slow path. */
const SAMPLES = 64;
/** Below this many samples the estimate knows too little, and the grace stays at its cap. */
const MIN_SAMPLES = 3;
/** Added to the slowest delivery seen: jitter, and the receiver's own processing. */
const MARGIN_MS = 100;
/** The adapted grace is never shorter than this. */
export const MIN_GRACE_MS = 150;

/**
 * How long signed packets take to reach this node: receipt time minus the signed `createdAt`, over the
 * last few request packets. It sizes the requester's commit grace, the time it waits past the window's
 * end for commits signed inside it (see the README's "Settling time" for why a short grace is safe).
 *
 * The grace follows the slowest delivery seen, not an average: a packet stamped in the future (a wrong
 * clock or an attacker) gives a small or negative delay and cannot shorten it; only slow honest traffic
 * lengthens it. A clock running behind the requester's looks slower by its offset, which is exactly the
 * extra time that node's in-window commits need to arrive on the requester's clock.
 */
export class DeliveryEstimate {
  private readonly delays: number[] = [];
  private next = 0;

  record(signedAt: number, receivedAt: number): void {
    const delay = receivedAt - signedAt;
    if (!Number.isFinite(delay)) return;
    if (this.delays.length < SAMPLES) this.delays.push(delay);
    else this.delays[this.next] = delay;
    this.next = (this.next + 1) % SAMPLES;
  }

  /** The slowest recent delivery plus a margin, between `MIN_GRACE_MS` and `capMs`. */
  graceMs(capMs: number): number {
    if (this.delays.length < MIN_SAMPLES) return capMs;
    const slowest = Math.max(...this.delays);
    return Math.min(capMs, Math.max(MIN_GRACE_MS, slowest + MARGIN_MS));
  }
}
