import { LIMITS, TIME_WINDOW } from '../protocol/index.js';
import type { LinkStrikeLimits } from './intake.js';
import type { RateLimits } from './rate-limit.js';
import type { RestartPolicy } from './supervised-transport.js';

/** What the network may make a mesh remember and process: sizes, rates, memory bounds, timeouts. */
export interface MeshLimits {
  maxPacketBytes: number;
  /** Largest transport message (a frame of packets sent together). */
  maxFrameBytes: number;
  /** How long packet ids are remembered; longer than the protocol's packet age limit. */
  dedupWindowMs: number;
  /** Ids remembered at most (memory bound under a flood). */
  dedupMaxIds: number;
  /** Per identity, charged only once a packet's signature verified (a forger cannot spend another node's budget). */
  rate: RateLimits;
  /**
   * Per link (the peer a copy came from), charged before verification so unverifiable floods cost
   * their link and nobody else; generous, since a peer forwards what others miss.
   */
  linkRate: RateLimits;
  /**
   * Offences (bytes that are no packet, failed signatures) a link whose peer sends only its own packets
   * may commit before everything from it is dropped unread for a while.
   */
  linkStrikes: LinkStrikeLimits;
  /** A peer silent this long is forgotten. */
  peerTimeoutMs: number;
  /** How often this node repeats its status (when it has `presence`). */
  statusIntervalMs: number;
  /** Nodes remembered from others' gossip. */
  maxGossipedPeers: number;
  /** Nodes heard from directly remembered at most (the least recently heard forgotten first). */
  maxPeers: number;
  restart: RestartPolicy;
  /** How long a node may hear no other node before it opens its fallback transports. */
  fallbackAfterMs: number;
}

export const DEFAULT_MESH_LIMITS: MeshLimits = {
  maxPacketBytes: LIMITS.packetBytes,
  maxFrameBytes: 4 * 1024 * 1024,
  dedupWindowMs: TIME_WINDOW.maxAgeMs + TIME_WINDOW.futureSkewMs + 60_000,
  dedupMaxIds: 200_000,
  rate: { burst: 400, perSecond: 100, strikes: 200, banMs: 60_000, maxSenders: 4096 },
  linkRate: { burst: 2_000, perSecond: 1_000, strikes: 2_000, banMs: 60_000, maxSenders: 1024 },
  linkStrikes: { strikes: 16, muteMs: 60_000, maxLinks: 1024 },
  peerTimeoutMs: 90_000,
  statusIntervalMs: 30_000,
  maxGossipedPeers: 256,
  maxPeers: 1024,
  restart: { baseDelayMs: 1_000, maxDelayMs: 60_000, peerLossGraceMs: 15_000, relayTimeoutMs: 10_000 },
  fallbackAfterMs: 5_000,
};
