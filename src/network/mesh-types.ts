import type { DecodeDropReason, Identity, PeerStatusFields } from '../protocol/index.js';
import type { Scheduler } from './clock.js';
import type { MeshLimits } from './mesh-limits.js';
import type { PeerInfo } from './peer-table.js';
import type { LinkStrikeLimits } from './intake.js';
import type { RateLimits } from './rate-limit.js';
import type { RestartPolicy } from './supervised-transport.js';
import type { TransportFactory } from './transport.js';

/**
 * Why the mesh dropped an inbound packet (`malformed`: a message that was neither bytes nor a string;
 * `link-muted`: it came over a link that sent too many such things, see Intake).
 */
export type MeshDropReason = DecodeDropReason | 'malformed' | 'bad-frame' | 'duplicate' | 'link-limited' | 'link-muted' | 'rate-limited' | 'banned' | 'bad-signature';

export interface MeshOptions {
  identity: Identity;
  transports: TransportFactory[];
  scheduler?: Scheduler;
  limits?: Partial<Omit<MeshLimits, 'rate' | 'linkRate' | 'linkStrikes' | 'restart'>> & {
    rate?: Partial<RateLimits>;
    linkRate?: Partial<RateLimits>;
    linkStrikes?: Partial<LinkStrikeLimits>;
    restart?: Partial<RestartPolicy>;
  };
  /** What this node announces in hello/status; without it the mesh stays silent about itself. */
  presence?: () => PeerStatusFields;
  /**
   * Send every packet on every link of every transport, not once per node: each copy costs both ends
   * a send and a receive. For comparisons (bench:network's baseline).
   */
  everyLink?: boolean;
}

/**
 * What changed among the peers heard directly since the last change reported: who joined, who left,
 * and the whole list on demand (copying it on every change would cost a large network's nodes O(peers) each time).
 */
export interface PeersChange {
  joined: PeerInfo[];
  left: string[];
  peers: () => PeerInfo[];
}

/** Where and how an accepted packet arrived. */
export interface Delivery {
  id: string;
  /** The transport whose copy arrived first. */
  transport: string;
  link: string;
  /** The packet's size on the wire. */
  bytes: number;
}

export interface MeshStats {
  /** Inbound packets (frames counted by the packets inside), every copy on every transport; each ends up accepted or dropped. */
  received: number;
  /** Packets verified and handed on, once each. */
  accepted: number;
  /** Signatures checked (each distinct packet once, whichever transports carried it). */
  verified: number;
  /** Packets this node sent. */
  sent: number;
  drops: Partial<Record<MeshDropReason, number>>;
}
