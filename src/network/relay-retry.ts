/**
 * trystero's torrent and nostr clients retry a lost relay socket after random waits that double from
 * 3.3 s, and after six failures (about 100 s) give it up for the page's life: the client is kept per
 * URL, so even rejoining the room reuses the dead socket, and a relay restarted later is never heard
 * from again. trystero's own pause switch (`pauseRelayReconnection`, meant for going offline) holds
 * every closing socket until `resumeRelayReconnection` without counting a failure. While a page has a
 * trystero transport open the switch stays paused, and this schedule resumes it: first after
 * `RETRY.firstMs`, then at waits doubling to `RETRY.maxMs` while a relay stays closed (each with
 * jitter, so pages do not return to a restarted relay all at once), back to the first wait once every
 * relay is open. The switch is one per page (trystero's shared core), so the schedule is too.
 */

export interface RelaySwitch {
  pauseRelayReconnection(): void;
  resumeRelayReconnection(): void;
}

export const RETRY = { firstMs: 2_000, maxMs: 30_000 } as const;

interface Holder {
  relaySwitch: RelaySwitch;
  /** Whether every relay this holder signals through has an open socket. */
  allOpen(): boolean;
}

const holders = new Set<Holder>();
let timer: ReturnType<typeof setTimeout> | undefined;
let waitMs: number = RETRY.firstMs;

/**
 * Keeps a strategy's switch paused and resumed on the schedule until the returned release is called;
 * a strategy without one (MQTT, whose client reconnects on its own) is left alone.
 */
export function holdRelayRetry(strategy: Partial<RelaySwitch>, allOpen: () => boolean): () => void {
  const { pauseRelayReconnection, resumeRelayReconnection } = strategy;
  if (!pauseRelayReconnection || !resumeRelayReconnection) return () => undefined;
  const holder: Holder = { relaySwitch: { pauseRelayReconnection, resumeRelayReconnection }, allOpen };
  holders.add(holder);
  pauseRelayReconnection();
  if (timer === undefined) schedule();
  return () => {
    if (!holders.delete(holder)) return;
    if (holders.size > 0) return;
    clearTimeout(timer);
    timer = undefined;
    waitMs = RETRY.firstMs;
    // No transport left: trystero's own schedule again.
    resumeRelayReconnection();
  };
}

function schedule(): void {
  timer = setTimeout(retry, waitMs * (0.5 + Math.random() / 2));
}

function retry(): void {
  waitMs = [...holders].every((holder) => holder.allOpen()) ? RETRY.firstMs : Math.min(RETRY.maxMs, waitMs * 2);
  // Strategies share trystero's core, and so one switch, unless a build gave each a copy.
  const switches = [...new Map([...holders].map(({ relaySwitch }) => [relaySwitch.resumeRelayReconnection, relaySwitch])).values()];
  // The sockets held since they closed reconnect now; the switch is paused again once they have been let go.
  for (const relaySwitch of switches) relaySwitch.resumeRelayReconnection();
  timer = setTimeout(() => {
    for (const relaySwitch of switches) relaySwitch.pauseRelayReconnection();
    schedule();
  }, 0);
}
