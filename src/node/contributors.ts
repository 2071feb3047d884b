import type { KnownPeer, PeerRole } from '../protocol/index.js';

/** A gossiped contributor counts as known only if someone heard from it this recently. */
export const GOSSIP_FRESH_MS = 60_000;

export interface ContributorSources {
  /** Direct peers, from their own signed hello/status. */
  peers(): { synthientId: string; role: PeerRole | undefined; models: string[] }[];
  /** Everyone heard of, directly or through gossip. */
  knownPeers(): KnownPeer[];
}

/**
 * The contributors this node knows that run one of `models`: direct peers that say they work, nodes
 * gossiped as running one and heard from recently, and this node itself when it does. Gossip can name
 * nodes that do not exist; callers only use this set to wait for more (an early close) or to warn, never
 * to trust anyone.
 */
export function knownContributors(sources: ContributorSources, self: { synthientId: string; models: readonly string[] }, models: readonly string[], now: number): Set<string> {
  const serves = (offered: readonly string[]) => offered.some((model) => models.includes(model));
  const contributors = new Set<string>();
  if (serves(self.models)) contributors.add(self.synthientId);
  for (const peer of sources.peers()) if (peer.role === 'worker' && serves(peer.models)) contributors.add(peer.synthientId);
  for (const peer of sources.knownPeers()) if (now - peer.lastSeen <= GOSSIP_FRESH_MS && serves(peer.models)) contributors.add(peer.synthientId);
  return contributors;
}
