/**
 * One way of reaching other nodes: a signaling network's WebRTC room, a BroadcastChannel, an in-memory bus.
 * A transport moves opaque bytes; everything about packets (validation, signatures, dedup) is the mesh's job.
 */
export interface Transport {
  /** Which transport this is, e.g. `torrent`, `mqtt`, `broadcast`, `memory`. */
  readonly name: string;
  /**
   * Sends to every peer currently linked, or only to `links` (ids from `peers()`) when given and the
   * factory is `direct`; never throws.
   */
  send(bytes: Uint8Array, links?: readonly string[]): void;
  /**
   * A message from a peer: bytes, or a string a peer sent instead (left unencoded, so the mesh measures
   * it before paying for any conversion); `link` names that peer on this transport only (not a synthientId).
   */
  onMessage: ((message: TransportMessage, link: string) => void) | null;
  /** The number of linked peers changed. */
  onPeersChange: ((count: number) => void) | null;
  /** The transport broke and should be reopened. */
  onError: ((message: string) => void) | null;
  /** A link to a peer failed to form (e.g. a WebRTC handshake failed or timed out); the transport carries on. */
  onHandshakeError: ((message: string) => void) | null;
  /** Transport-level ids of linked peers. */
  peers(): string[];
  /** Signaling relays this transport finds peers through, and whether each answers now; none for a transport that needs no relay. */
  relays(): RelayStatus[];
  close(): Promise<void>;
}

export interface RelayStatus {
  url: string;
  /** Its connection is open (a WebSocket in the OPEN state). */
  open: boolean;
}

/** Opens a fresh transport; the mesh calls it again to restart one that failed. */
export interface TransportFactory {
  readonly name: string;
  /** Opened only if the node hears no other node outside this browser for a while (`MeshLimits.fallbackAfterMs`); until then it reads `standby`. */
  readonly fallback?: boolean;
  /**
   * Each link is one peer's own connection (a WebRTC link, a memory endpoint), which carries only what
   * that peer sends: the mesh learns which node each link reaches from the announcements it carries,
   * and may send a packet to a node over one of its links only. Not for transports that relay others'
   * messages (gossipsub) or have no peer list (BroadcastChannel).
   */
  readonly direct?: boolean;
  /**
   * Each link carries only what one peer sends, though a send may not name its links (a memory bus
   * endpoint); implied by `direct`. What fails on such a link is that peer's doing (see Intake).
   */
  readonly ownLinks?: boolean;
  open(): Promise<Transport>;
}

/**
 * What a transport hands the mesh: bytes, a string as a peer sent it, or `null` for anything else a
 * peer sent (a JSON object, a number, a message the channel could not deserialize), which the mesh
 * counts as `malformed`.
 */
export type TransportMessage = Uint8Array | string | null;

/**
 * A message as a transport delivers it: anything a hostile peer sends becomes something the mesh can
 * reject. Nothing is copied or converted here (a string stays a string: the mesh checks its length
 * before encoding it).
 */
export function toMessage(data: unknown): TransportMessage {
  if (data instanceof Uint8Array || typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}
