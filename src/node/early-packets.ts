import type { Packet } from '../protocol/index.js';

const REQUESTS = 256;
const PACKETS_PER_REQUEST = 128;

/** Packets about a request not seen yet (delivery order differs per transport), kept briefly and bounded. */
export class EarlyPackets {
  private readonly held = new Map<string, { packet: Packet; receivedAt: number }[]>();

  hold(requestId: string, packet: Packet, receivedAt: number): void {
    let held = this.held.get(requestId);
    if (!held) {
      if (this.held.size >= REQUESTS) this.held.delete(this.held.keys().next().value!);
      this.held.set(requestId, (held = []));
    }
    if (held.length < PACKETS_PER_REQUEST) held.push({ packet, receivedAt });
  }

  /** The packets held for a request, in arrival order; they are no longer held. */
  take(requestId: string): { packet: Packet; receivedAt: number }[] {
    const held = this.held.get(requestId) ?? [];
    this.held.delete(requestId);
    return held;
  }
}
