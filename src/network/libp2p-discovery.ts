/**
 * How pages on the libp2p transport find each other: each announces, on a gossipsub topic the relay
 * nodes also follow, the addresses others can dial it at (through a relay, then WebRTC). Announcements
 * come from the network: bounded in size and count, checked to name only their signer, and forgotten
 * when not repeated.
 */

/** Gossipsub topic of the announcements (the relay subscribes to it: tools/relay/libp2p-relay.js). */
export const DISCOVERY_TOPIC = 'rakis-elements/peers/1';

/** Gossipsub topic a network's packets ride. */
export function packetTopic(network: string): string {
  return `rakis-elements/net/1/${network}`;
}

const MAX_ANNOUNCE_BYTES = 4096;
const MAX_ADDRESSES = 8;
const MAX_ADDRESS_CHARS = 400;

export interface Announcement {
  network: string;
  addresses: string[];
}

export function encodeAnnouncement(announcement: Announcement): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ n: announcement.network, a: announcement.addresses.slice(0, MAX_ADDRESSES) }));
}

/**
 * The addresses an announcement signed by `from` (gossipsub verified the signature) offers for
 * `network`: only WebRTC-through-relay addresses that end in `from`'s own peer id, so nobody can
 * point others at a third party. `undefined` for anything else.
 */
export function parseAnnouncement(data: Uint8Array, from: string, network: string): string[] | undefined {
  if (data.length > MAX_ANNOUNCE_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { n, a } = value as { n?: unknown; a?: unknown };
  if (n !== network || !Array.isArray(a) || a.length === 0 || a.length > MAX_ADDRESSES) return undefined;
  const suffix = `/p2p-circuit/webrtc/p2p/${from}`;
  const addresses = a.filter((address): address is string => typeof address === 'string' && address.length <= MAX_ADDRESS_CHARS && address.endsWith(suffix));
  return addresses.length === a.length ? addresses : undefined;
}

interface Known {
  addresses: string[];
  seenAt: number;
}

/** Pages heard announcing, with their addresses, the oldest forgotten first past `max` or after `ttlMs`. */
export class KnownPages {
  private readonly pages = new Map<string, Known>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  heard(peerId: string, addresses: string[], now: number): void {
    this.pages.delete(peerId);
    this.pages.set(peerId, { addresses, seenAt: now });
    if (this.pages.size > this.max) this.pages.delete(this.pages.keys().next().value!);
  }

  forget(peerId: string): void {
    this.pages.delete(peerId);
  }

  /** Pages announced within `ttlMs` of `now`, with their addresses. */
  current(now: number): [string, string[]][] {
    for (const [id, known] of this.pages) if (now - known.seenAt > this.ttlMs) this.pages.delete(id);
    return [...this.pages].map(([id, known]) => [id, known.addresses]);
  }
}

/** A relay's `ws://host:port` URL as the multiaddr libp2p dials (`/ip4/host/tcp/port/ws`); throws on anything else. */
export function relayMultiaddr(url: string): string {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'wss:';
  if (!secure && parsed.protocol !== 'ws:') throw new Error(`libp2p relay "${url}" must be a ws: or wss: URL`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const kind = host.includes(':') ? 'ip6' : /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? 'ip4' : 'dns';
  const port = parsed.port || (secure ? '443' : '80');
  return `/${kind}/${host}/tcp/${port}/${secure ? 'wss' : 'ws'}`;
}
