import type { RelayStatus } from './transport.js';

/** Whether a transport can find new peers now, from the state of the relays it signals through. */
export type RelayVerdict = { state: 'live' } | { state: 'connecting' } | { state: 'down'; reason: string };

/**
 * Judges a transport by its relays, not by its having opened: live while at least one relay answers
 * (or when it needs none), connecting for `timeoutMs` after it opened or after its last relay stopped
 * answering, then down, with the reason, until one answers again. Time is passed in.
 */
export class RelayWatch {
  private lastAnswerAt: number;

  constructor(
    openedAt: number,
    private readonly timeoutMs: number,
  ) {
    this.lastAnswerAt = openedAt;
  }

  /** The verdict on `relays` as they are at `now`; call it often (each second) so a lost relay is timed from when it was lost. */
  observe(relays: RelayStatus[], now: number): RelayVerdict {
    if (relays.length === 0 || relays.some((relay) => relay.open)) {
      this.lastAnswerAt = now;
      return { state: 'live' };
    }
    if (now - this.lastAnswerAt < this.timeoutMs) return { state: 'connecting' };
    return { state: 'down', reason: relays.length === 1 ? 'relay unreachable' : `none of ${relays.length} relays reachable` };
  }
}
