import type { Packet } from '../protocol/index.js';

/** What the network may make a node hold about requests it has not seen yet. */
export interface EarlyPacketLimits {
  requests: number;
  packetsPerRequest: number;
  /** Wire bytes held in all, and per request (a packet's size is its encoding's length). */
  bytes: number;
  bytesPerRequest: number;
  /** A packet held longer than this is forgotten (its request never came). */
  ttlMs: number;
}

export const DEFAULT_EARLY_LIMITS: EarlyPacketLimits = {
  requests: 256,
  packetsPerRequest: 128,
  bytes: 8 * 1024 * 1024,
  bytesPerRequest: 1024 * 1024,
  ttlMs: 60_000,
};

interface Held {
  packet: Packet;
  receivedAt: number;
  bytes: number;
}

interface Bucket {
  held: Held[];
  bytes: number;
}

/**
 * Packets about a request not seen yet (delivery order differs per transport), kept briefly and
 * bounded in count and bytes, per request and in all; when full, the oldest go first.
 */
export class EarlyPackets {
  /** Per request, in the order their first packet arrived. */
  private readonly buckets = new Map<string, Bucket>();
  private totalBytes = 0;
  /** Packets given up (evicted for room, refused or expired). */
  dropped = 0;
  private readonly limits: EarlyPacketLimits;

  constructor(limits: Partial<EarlyPacketLimits> = {}) {
    this.limits = { ...DEFAULT_EARLY_LIMITS, ...limits };
  }

  /** Wire bytes held now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Packets held now. */
  get count(): number {
    let count = 0;
    for (const bucket of this.buckets.values()) count += bucket.held.length;
    return count;
  }

  hold(requestId: string, packet: Packet, receivedAt: number, bytes: number): void {
    const { requests, packetsPerRequest, bytesPerRequest } = this.limits;
    if (bytes > Math.min(bytesPerRequest, this.limits.bytes)) return void this.dropped++;
    let bucket = this.buckets.get(requestId);
    if (!bucket) {
      if (this.buckets.size >= requests) this.dropBucket(this.buckets.keys().next().value!);
      this.buckets.set(requestId, (bucket = { held: [], bytes: 0 }));
    }
    while (bucket.held.length > 0 && (bucket.held.length >= packetsPerRequest || bucket.bytes + bytes > bytesPerRequest)) this.shift(requestId, bucket, true);
    bucket.held.push({ packet, receivedAt, bytes });
    bucket.bytes += bytes;
    this.totalBytes += bytes;
    while (this.totalBytes > this.limits.bytes) {
      const [oldestId, oldest] = this.buckets.entries().next().value!;
      this.shift(oldestId, oldest);
    }
  }

  /** The packets held for a request, in arrival order; they are no longer held. */
  take(requestId: string): { packet: Packet; receivedAt: number }[] {
    const bucket = this.buckets.get(requestId);
    if (!bucket) return [];
    this.buckets.delete(requestId);
    this.totalBytes -= bucket.bytes;
    return bucket.held.map(({ packet, receivedAt }) => ({ packet, receivedAt }));
  }

  /** Forgets packets held longer than the limit (called from the node's tick). */
  expire(now: number): void {
    const cutoff = now - this.limits.ttlMs;
    for (const [requestId, bucket] of this.buckets) {
      while (bucket.held.length > 0 && bucket.held[0]!.receivedAt < cutoff) this.shift(requestId, bucket);
    }
  }

  /** Drops a request's oldest packet (and the request, once it holds none). */
  private shift(requestId: string, bucket: Bucket, keepEmpty = false): void {
    const oldest = bucket.held.shift()!;
    bucket.bytes -= oldest.bytes;
    this.totalBytes -= oldest.bytes;
    this.dropped++;
    if (bucket.held.length === 0 && !keepEmpty) this.buckets.delete(requestId);
  }

  private dropBucket(requestId: string): void {
    const bucket = this.buckets.get(requestId)!;
    this.buckets.delete(requestId);
    this.totalBytes -= bucket.bytes;
    this.dropped += bucket.held.length;
  }
}
