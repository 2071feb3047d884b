import type { Packet } from '../protocol/index.js';
import type { RequestFollowing, RequestFollowingOptions } from './request-following.js';

/** Packets about requests held while the code that follows them downloads; more are dropped (reconciliation brings them back). */
const HELD_WHILE_LOADING = 256;

/**
 * A node's request-following parts (`request-following.ts`), their code downloaded on first use, and
 * the packets about requests that arrive meanwhile: held (bounded), then handed over in order.
 */
export class FollowingLoader {
  /** The parts, once their code is here. */
  current: RequestFollowing | undefined;
  /** Packets given up while the code downloaded (more than it holds). */
  dropped = 0;
  private loading: Promise<RequestFollowing> | undefined;
  private readonly held: { packet: Packet; bytes: number }[] = [];

  constructor(
    private readonly options: RequestFollowingOptions,
    private readonly onLoadError: (error: Error) => void,
  ) {}

  /** The parts, their code downloaded on the first call (and again on the next call after a failed download). */
  load(): Promise<RequestFollowing> {
    this.loading ??= import('./request-following.js').then(
      ({ RequestFollowing }) => {
        const following = (this.current = new RequestFollowing(this.options));
        for (const { packet, bytes } of this.held.splice(0)) if (!this.options.stopped()) following.receive(packet, this.options.scheduler.now(), bytes);
        return following;
      },
      (error: unknown) => {
        this.loading = undefined;
        this.onLoadError(error instanceof Error ? error : new Error(String(error)));
        throw error;
      },
    );
    return this.loading;
  }

  /** A packet about requests before the code is here: held, and the download started. */
  hold(packet: Packet, bytes: number): void {
    if (this.held.length < HELD_WHILE_LOADING) this.held.push({ packet, bytes });
    else this.dropped++;
    this.load().catch(() => {});
  }
}
