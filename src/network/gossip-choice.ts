/** Nodes that answer one newly heard node with their known peers, about. */
const GOSSIP_ANSWERS = 8;

/**
 * Whether this node answers a newly heard node with its known peers: about `GOSSIP_ANSWERS` of the
 * nodes that hear it do, picked by a hash of both ids (so the choice is spread evenly and repeatable).
 */
export function gossipsTo(self: string, joiner: string, peers: number): boolean {
  if (peers <= GOSSIP_ANSWERS) return true;
  const draw = ((Number.parseInt(self.slice(0, 8), 16) ^ Number.parseInt(joiner.slice(0, 8), 16)) >>> 0) / 2 ** 32;
  return draw < GOSSIP_ANSWERS / peers;
}
