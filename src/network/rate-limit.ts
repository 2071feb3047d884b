export interface RateLimits {
  /** Packets a sender may send at once. */
  burst: number;
  /** Sustained packets per second per sender. */
  perSecond: number;
  /** Packets refused in a row before the sender is ignored for `banMs`. */
  strikes: number;
  banMs: number;
  /** Senders tracked at once; the least recently heard is forgotten first. */
  maxSenders: number;
}

export type RateVerdict = 'ok' | 'rate-limited' | 'banned';

interface Bucket {
  tokens: number;
  updatedAt: number;
  strikes: number;
  bannedUntil: number;
}

/** A token bucket per sender: a flooding sender is throttled, then ignored for a while. */
export class SenderRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: RateLimits) {}

  take(sender: string, now: number): RateVerdict {
    const bucket = this.touch(sender, now);
    if (now < bucket.bannedUntil) return 'banned';
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limits.perSecond);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.strikes = 0;
      return 'ok';
    }
    if (++bucket.strikes >= this.limits.strikes) {
      bucket.bannedUntil = now + this.limits.banMs;
      bucket.strikes = 0;
      bucket.tokens = 0;
    }
    return 'rate-limited';
  }

  /** Most recently heard last, so eviction takes the quietest sender. */
  private touch(sender: string, now: number): Bucket {
    let bucket = this.buckets.get(sender);
    if (bucket) this.buckets.delete(sender);
    else {
      bucket = { tokens: this.limits.burst, updatedAt: now, strikes: 0, bannedUntil: 0 };
      if (this.buckets.size >= this.limits.maxSenders) {
        const quietest = this.buckets.keys().next().value;
        if (quietest !== undefined) this.buckets.delete(quietest);
      }
    }
    this.buckets.set(sender, bucket);
    return bucket;
  }
}
