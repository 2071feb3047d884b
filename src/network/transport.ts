/**
 * One way of reaching other nodes: a signaling network's WebRTC room, a BroadcastChannel, an in-memory bus.
 * A transport moves opaque bytes; everything about packets (validation, signatures, dedup) is the mesh's job.
 */
export interface Transport {
  /** Which transport this is, e.g. `torrent`, `mqtt`, `broadcast`, `memory`. */
  readonly name: string;
  /** Sends to every peer currently linked; never throws. */
  send(bytes: Uint8Array): void;
  /** Bytes from a peer; `link` names that peer on this transport only (not a synthientId). */
  onMessage: ((bytes: Uint8Array, link: string) => void) | null;
  /** The number of linked peers changed. */
  onPeersChange: ((count: number) => void) | null;
  /** The transport broke and should be reopened. */
  onError: ((message: string) => void) | null;
  /** Transport-level ids of linked peers. */
  peers(): string[];
  /** Signaling relays this transport depends on, if any. */
  relays(): RelayStatus[];
  close(): Promise<void>;
}

export interface RelayStatus {
  url: string;
  open: boolean;
}

/** Opens a fresh transport; the mesh calls it again to restart one that failed. */
export interface TransportFactory {
  readonly name: string;
  open(): Promise<Transport>;
}

/** Bytes as a transport delivers them: anything a hostile peer sends becomes bytes the mesh can reject. */
export function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new Uint8Array(0);
}
