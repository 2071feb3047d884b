import type { Packet } from '../protocol/index.js';

/** Packets refused for their time whose signature is checked: at most one per this. */
const SAMPLE_EVERY_MS = 2_000;
/** Senders whose latest offset is kept: enough for a stable median, bounded against floods. */
const SENDERS = 64;
/** Offsets from fewer senders say nothing about this node's clock (one peer may be the one that is off). */
const MIN_SENDERS = 3;

/**
 * How far this node's clock is from its peers': the median, over recent senders, of (receipt time −
 * signed `createdAt`) of packets whose signature verified. Positive: this clock is ahead. Network delay
 * adds milliseconds; a clock set minutes off shows as minutes.
 */
export class ClockOffset {
  private readonly bySender = new Map<string, number>();
  private lastSampleAt = -Infinity;

  /**
   * A packet refused for its time (too old, or from the future) still tells how far this clock is off,
   * once its signature verifies: one such check every few seconds at most, so a flood costs nothing.
   */
  sample(packet: Packet, now: number, verify: (packet: Packet) => boolean | Promise<boolean>): void {
    if (now - this.lastSampleAt < SAMPLE_EVERY_MS) return;
    this.lastSampleAt = now;
    void Promise.resolve()
      .then(() => verify(packet))
      .then(
        (valid) => valid && this.record(packet.from, now - packet.createdAt),
        () => undefined,
      );
  }

  record(sender: string, offsetMs: number): void {
    this.bySender.delete(sender);
    if (this.bySender.size >= SENDERS) this.bySender.delete(this.bySender.keys().next().value!);
    this.bySender.set(sender, offsetMs);
  }

  estimate(): number | undefined {
    if (this.bySender.size < MIN_SENDERS) return undefined;
    const sorted = [...this.bySender.values()].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
  }
}
