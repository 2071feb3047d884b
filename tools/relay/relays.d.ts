export type RelayName = 'torrent' | 'mqtt' | 'nostr' | 'libp2p';

export interface RelayOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Port per relay; default 0 (any free port). */
  ports?: Partial<Record<RelayName, number>>;
  /** Which relays to start; default torrent, mqtt and nostr (libp2p only when named: its node takes a second or two to start). */
  relays?: readonly RelayName[];
}

export interface Relays {
  /** ws:// URL of each started relay, to pass as a transport's relay URLs. */
  urls: Partial<Record<RelayName, string>>;
  /** Stops one relay and cuts its clients (tests use it to kill a signaling network mid-run). */
  stop(name: RelayName): Promise<void>;
  close(): Promise<void>;
}

export const TRACKER_ANNOUNCE_MS: number;
export function startRelays(options?: RelayOptions): Promise<Relays>;
