import type { MeshStats, PeerInfo, TransportHealth } from '../../src/network/index.js';

/** What a mesh fixture page exposes to the Node side as `window.rakisMesh`. */
export interface MeshPageApi {
  synthientId: string;
  info(): MeshPageInfo;
  /** Publishes a signed packet about a request (a decline naming `tag`'s hash); returns its packet id and when it was sent. */
  publish(tag: string): { id: string; sentAt: number };
  /** Signs `count` such packets first, then sends them back to back; returns their ids and when sending began. */
  publishBurst(count: number): { ids: string[]; sentAt: number };
  /** Delivery count and first arrival time (epoch ms, sub-ms precision) of each packet id asked about. */
  deliveries(ids: string[]): { id: string; count: number; at: number | undefined }[];
  /** Resolves with the last arrival time once every id has been delivered (rejects after `timeoutMs`). */
  whenDelivered(ids: string[], timeoutMs: number): Promise<number>;
  /** Tags of every delivered status packet, with their sender. */
  tags(): { from: string; tag: string }[];
  /**
   * Packets per second one mesh in this page takes in (each arriving as `copies` identical copies over
   * in-memory buses): the receive pipeline's capacity without WebRTC or other pages competing.
   */
  pipelineRate(count: number, copies: number): Promise<number>;
  /** Microseconds to verify one packet, over `count` packets verified in parallel as the mesh does. */
  verifyCost(count: number): Promise<number>;
  hostile: {
    /** A packet from this node with a corrupted signature. */
    forgeSignature(tag: string): void;
    /** A packet claiming to come from `victim`, signed by this node. */
    impersonate(victim: string, tag: string): void;
    /** A syntactically valid packet far over the size cap. */
    oversize(): void;
    /** Bytes that are not a packet at all. */
    garbage(): void;
    /** `count` valid packets as fast as possible. */
    flood(count: number, tag: string): void;
  };
}

export interface MeshPageInfo {
  synthientId: string;
  peers: PeerInfo[];
  health: TransportHealth[];
  stats: MeshStats;
  /** ms from navigation to the page's script starting the mesh. */
  startedMs: number;
  /** ms from navigation to the first WebRTC link on any signaling network. */
  firstLinkMs: number | undefined;
}

declare global {
  interface Window {
    rakisMesh?: MeshPageApi;
  }
}
