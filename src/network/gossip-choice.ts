/** Nodes that answer newly heard nodes with their known peers, per period, about. */
const GOSSIP_ANSWERS = 8;

/**
 * Whether this node answers the nodes newly heard in this period with its known peers: it does when it
 * is among the `GOSSIP_ANSWERS` lowest of itself and the peers it hears, scored by a hash of each id
 * and the period. Every node that hears the same peers picks the same few, so a wave of joins (a whole
 * page of tabs opening at once) draws a few broadcasts, not one from every node; a node that hears only
 * part of the network answers for its part. The choice moves on each period, spreading the work.
 */
export function answersNewcomers(self: string, peers: Iterable<string>, period: number): boolean {
  const mine = score(self, period);
  let lower = 0;
  for (const peer of peers) {
    if (peer !== self && score(peer, period) < mine && ++lower >= GOSSIP_ANSWERS) return false;
  }
  return true;
}

function score(id: string, period: number): number {
  let h = Number.parseInt(id.slice(0, 8), 16) ^ Math.imul(period, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
