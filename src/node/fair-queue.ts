/** What the queue needs to know of a job. */
export interface QueuedJob {
  requester: string;
  /** The work it asks for (tokens), to estimate when a job would start. */
  tokens: number;
}

/** Requesters remembered as served; past it, the least recently served are forgotten (they would go first anyway). */
const SERVED_MEMORY = 256;

/**
 * Jobs of one engine in the order they are served: the requester served least recently goes first;
 * among requesters never served, the one that asked least (a flooder's refused requests count), then
 * arrival. A requester with a queue of jobs gets one turn per round, so a flood from a few identities
 * delays another requester's job by at most one job per flooding identity, and a requester asking
 * for the first time goes ahead of flooders that were not served yet.
 */
export class FairQueue<Job extends QueuedJob> {
  private readonly waiting: Job[] = [];
  /** Service turns handed out, and the turn each requester was last served at. */
  private turn = 0;
  private readonly servedAt = new Map<string, number>();
  /** Requests offered by requesters not served yet (refused ones included). */
  private readonly asked = new Map<string, number>();

  get length(): number {
    return this.waiting.length;
  }

  jobs(): readonly Job[] {
    return this.waiting;
  }

  countOf(requester: string): number {
    let count = 0;
    for (const job of this.waiting) if (job.requester === requester) count++;
    return count;
  }

  /** Counts a request a requester offered, whether it is queued or refused. */
  asking(requester: string): void {
    const count = this.asked.get(requester) ?? 0;
    this.asked.delete(requester);
    this.asked.set(requester, count + 1);
    if (this.asked.size > SERVED_MEMORY) this.asked.delete(this.asked.keys().next().value!);
  }

  push(job: Job): void {
    this.waiting.push(job);
  }

  /** Takes the job to serve next, or undefined when none waits. */
  next(): Job | undefined {
    const index = this.nextIndex(this.waiting);
    if (index < 0) return undefined;
    const [job] = this.waiting.splice(index, 1);
    this.served(job!.requester);
    return job;
  }

  /** Empties the queue, returning what waited. */
  clear(): Job[] {
    return this.waiting.splice(0);
  }

  /** The tokens of the jobs that would be served before `job` were it queued now (itself excluded). */
  tokensAhead(job: Job): number {
    const pending = [...this.waiting, job];
    const servedAt = new Map(this.servedAt);
    let turn = this.turn;
    let tokens = 0;
    for (;;) {
      const index = this.nextIndex(pending, servedAt);
      const [picked] = pending.splice(index, 1);
      if (picked === job) return tokens;
      tokens += picked!.tokens;
      servedAt.set(picked!.requester, ++turn);
    }
  }

  private nextIndex(pending: readonly Job[], servedAt: ReadonlyMap<string, number> = this.servedAt): number {
    let best = -1;
    let bestTurn = Infinity;
    let bestAsked = Infinity;
    for (let i = 0; i < pending.length; i++) {
      const requester = pending[i]!.requester;
      const at = servedAt.get(requester) ?? -1;
      const asked = at < 0 ? (this.asked.get(requester) ?? 0) : 0;
      if (at < bestTurn || (at === bestTurn && asked < bestAsked)) {
        best = i;
        bestTurn = at;
        bestAsked = asked;
      }
    }
    return best;
  }

  private served(requester: string): void {
    this.servedAt.delete(requester);
    this.asked.delete(requester);
    this.servedAt.set(requester, ++this.turn);
    if (this.servedAt.size > SERVED_MEMORY) this.servedAt.delete(this.servedAt.keys().next().value!);
  }
}
