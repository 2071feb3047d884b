/**
 * Packet ids seen recently, in bounded memory: ids live in time buckets and whole buckets are dropped
 * once older than the window, or early when the total would pass `maxIds` (a flood forgets its oldest
 * bucket; a bucket also closes when full, so there is always an older one to forget).
 * The window should outlast the protocol's packet age limit, so a replay is either remembered or stale.
 */
export class RecentIds {
  private readonly buckets: { start: number; ids: Set<string> }[] = [];
  private readonly bucketMs: number;
  private readonly bucketIds: number;
  private size = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxIds: number,
    bucketCount = 8,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / bucketCount));
    this.bucketIds = Math.max(1, Math.ceil(maxIds / bucketCount));
  }

  has(id: string): boolean {
    // Newest first: a copy mostly follows its original closely. A plain loop: this runs for every packet received.
    for (let i = this.buckets.length - 1; i >= 0; i--) if (this.buckets[i]!.ids.has(id)) return true;
    return false;
  }

  add(id: string, now: number): void {
    this.expire(now);
    let current = this.buckets[this.buckets.length - 1];
    if (!current || now >= current.start + this.bucketMs || current.ids.size >= this.bucketIds) {
      current = { start: now, ids: new Set() };
      this.buckets.push(current);
    }
    if (current.ids.has(id)) return;
    current.ids.add(id);
    this.size++;
    while (this.size > this.maxIds && this.buckets.length > 1) this.dropOldest();
  }

  /** Forgets an id (bytes judged too early: they may be judged again). */
  delete(id: string): void {
    for (const bucket of this.buckets) if (bucket.ids.delete(id)) this.size--;
  }

  get count(): number {
    return this.size;
  }

  private expire(now: number): void {
    while (this.buckets[0] && this.buckets[0].start + this.bucketMs <= now - this.windowMs) this.dropOldest();
  }

  private dropOldest(): void {
    const oldest = this.buckets.shift();
    if (oldest) this.size -= oldest.ids.size;
  }
}
