/** The commit window never closes early before this share of it has passed… */
export const EARLY_CLOSE_SHARE = 1 / 20;
/** …nor before this long, so every contributor has heard the request and can commit or decline. */
export const EARLY_CLOSE_MIN_MS = 1_000;

export interface EarlyCloseInput {
  now: number;
  createdAt: number;
  maxTimeMs: number;
  quorum: number;
  /** Who committed, and who declined, as this requester holds them. */
  committers: ReadonlySet<string>;
  decliners: ReadonlySet<string>;
  /** Every contributor this requester knows that runs an accepted model (itself included, if it does). */
  eligible: Iterable<string>;
  /** The requester's commit grace adapted to the delivery it measured: this long past the window, a quorum is enough. */
  graceMs?: number;
}

/**
 * Whether the requester may fix its reveal list before the commit window ends: after the minimum, with
 * at least a quorum of commits, once every contributor it knows that could answer has committed or
 * declined. Waiting longer could only add commits from nodes it does not know.
 *
 * Why this never helps a sybil: closing early only ever drops commits from nodes the requester does not
 * know; it waits for every one it knows, so fast sybils that commit at once gain nothing over slow honest
 * workers (they still have to outnumber them in the list). A sybil cannot remove an honest contributor
 * from the known set (entries come from that contributor's own signed hello, or from gossip, which can
 * only add names and so only keep the window open), nor decline for it (declines are signed). A node that
 * is known but silent keeps the window open to its normal end, plus the requester's adapted grace.
 */
export function mayCloseEarly(input: EarlyCloseInput): boolean {
  const { now, createdAt, maxTimeMs, quorum, committers, decliners } = input;
  if (now < createdAt + Math.max(EARLY_CLOSE_MIN_MS, maxTimeMs * EARLY_CLOSE_SHARE)) return false;
  if (committers.size < quorum) return false;
  if (input.graceMs !== undefined && now >= createdAt + maxTimeMs + input.graceMs) return true;
  for (const node of input.eligible) if (!committers.has(node) && !decliners.has(node)) return false;
  return true;
}
