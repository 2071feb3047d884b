// The libp2p transport's code, a chunk of its own: imported only when a page opens the transport.
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Connection, Libp2p, PeerId } from '@libp2p/interface';
import { noise } from '@libp2p/noise';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { DISCOVERY_TOPIC, KnownPages, encodeAnnouncement, packetTopic, parseAnnouncement, relayMultiaddr } from './libp2p-discovery.js';
import type { Libp2pTransportOptions } from './libp2p.js';
import { DEFAULT_NETWORK } from './room.js';
import type { RelayStatus, Transport } from './transport.js';

const TICK_MS = 1_000;
const ANNOUNCE_MS = 5_000;
/** A page not heard announcing for this long is not dialed. */
const KNOWN_TTL_MS = 20_000;
const MAX_KNOWN = 256;
/** Backoff after a failed dial, per page or relay: doubles up to the maximum. */
const BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 30_000;
/** A WebRTC dial is a reservation lookup, a relayed stream, SDP and ICE: slow on a loaded machine (libp2p's default is 6 s per address). */
const DIAL_TIMEOUT_MS = 20_000;
/** Dials in flight at once. */
const MAX_PENDING_DIALS = 2;

type Node = Libp2p<{ identify: ReturnType<ReturnType<typeof identify>>; pubsub: GossipSub }>;

/** A connection to another page (WebRTC, or the relayed stream that signals it), not to a relay node. */
const isPageLink = (connection: Connection) => {
  const address = connection.remoteAddr.toString();
  return address.includes('/webrtc') || address.includes('/p2p-circuit');
};
const isWebRtc = (connection: Connection) => connection.remoteAddr.toString().includes('/webrtc');

interface Backoff {
  until: number;
  delayMs: number;
}

export class Libp2pTransport implements Transport {
  readonly name = 'libp2p';
  onMessage: Transport['onMessage'] = null;
  onPeersChange: Transport['onPeersChange'] = null;
  onError: Transport['onError'] = null;
  onHandshakeError: Transport['onHandshakeError'] = null;
  private readonly known = new KnownPages(MAX_KNOWN, KNOWN_TTL_MS);
  private readonly backoff = new Map<string, Backoff>();
  /** Pages this page dialed (it keeps up to half its links as its own dials: a random k-out graph is connected). */
  private readonly dialed = new Set<string>();
  /** Dials under way (pages by peer id, relays by address), each with a way to call it off. */
  private readonly pending = new Map<string, AbortController>();
  private readonly relayNodes: { url: string; address: string }[];
  private readonly topic: string;
  private readonly network: string;
  private readonly maxPeers: number;
  private tick: ReturnType<typeof setInterval> | undefined;
  private lastAnnounceAt = 0;
  private lastPeerCount = 0;
  private closed = false;

  private constructor(
    private readonly node: Node,
    options: Libp2pTransportOptions,
    maxPeers: number,
  ) {
    this.network = options.network ?? DEFAULT_NETWORK;
    this.topic = packetTopic(this.network);
    this.maxPeers = maxPeers;
    this.relayNodes = options.relayUrls.map((url) => ({ url, address: relayMultiaddr(url) }));
  }

  static async open(options: Libp2pTransportOptions): Promise<Libp2pTransport> {
    if (options.relayUrls.length === 0) throw new Error('the libp2p transport needs at least one relay');
    const relayAddresses = options.relayUrls.map(relayMultiaddr);
    const maxPeers = Math.max(1, options.maxPeers ?? 6);
    const degree = Math.max(1, Math.min(options.meshDegree ?? maxPeers - 1, maxPeers));
    let transport: Libp2pTransport | undefined;
    // Refuses a page past the bound unless it is linked already (its WebRTC link replaces the relayed signalling one).
    const full = (peer: PeerId) => transport?.full(peer) ?? false;
    const node: Node = await createLibp2p({
      addresses: { listen: ['/p2p-circuit', '/webrtc'] },
      transports: [webSockets(), webRTC({ rtcConfiguration: options.rtcConfig ?? { iceServers: [] } }), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: {
        // Browsers refuse ws:// and loopback addresses by default; the relays a page is given are the ones it dials.
        denyDialMultiaddr: (address) => {
          const text = address.toString();
          return !text.includes('/p2p-circuit') && !relayAddresses.some((relay) => text.startsWith(relay));
        },
        denyDialPeer: full,
        denyInboundEncryptedConnection: (peer) => full(peer) || (transport?.dialWins(peer) ?? false),
        denyInboundUpgradedConnection: full,
        denyInboundRelayedConnection: (_relay, remote) => full(remote) || (transport?.dialWins(remote) ?? false),
      },
      connectionManager: { maxConnections: 2 * maxPeers + relayAddresses.length + 2, dialTimeout: DIAL_TIMEOUT_MS },
      services: {
        identify: identify(),
        pubsub: gossipsub({
          D: degree,
          Dlo: Math.max(1, degree - 1),
          Dhi: maxPeers,
          Dout: Math.max(0, Math.min(Math.floor(degree / 2), degree - 2)),
          Dlazy: degree,
          allowPublishToZeroTopicPeers: true,
          emitSelf: false,
        }),
      },
    });
    transport = new Libp2pTransport(node, options, maxPeers);
    transport.start();
    return transport;
  }

  private start(): void {
    const pubsub = this.node.services.pubsub;
    pubsub.subscribe(DISCOVERY_TOPIC);
    pubsub.subscribe(this.topic);
    pubsub.addEventListener('message', ({ detail: message }) => {
      if (message.type !== 'signed') return;
      const from = message.from.toString();
      if (message.topic === this.topic) this.onMessage?.(message.data, from);
      else if (message.topic === DISCOVERY_TOPIC && from !== this.node.peerId.toString()) {
        const addresses = parseAnnouncement(message.data, from, this.network);
        if (addresses) this.known.heard(from, addresses, Date.now());
      }
    });
    this.node.addEventListener('connection:open', ({ detail: connection }) => {
      if (isPageLink(connection)) this.linkOpened(connection);
      this.peersMayHaveChanged();
    });
    this.node.addEventListener('connection:close', ({ detail: connection }) => {
      if (!this.connectedTo(connection.remotePeer)) this.dialed.delete(connection.remotePeer.toString());
      this.peersMayHaveChanged();
    });
    this.node.addEventListener('self:peer:update', () => this.announce());
    this.tick = setInterval(() => this.maintain(), TICK_MS);
    this.maintain();
  }

  send(bytes: Uint8Array): void {
    if (this.closed || this.peers().length === 0) return;
    // A peer leaving mid-send rejects; the packet still reached the others.
    this.node.services.pubsub.publish(this.topic, bytes).catch(() => {});
  }

  /** Pages linked over WebRTC (the relayed signalling connections are not links yet). */
  peers(): string[] {
    return [...new Set(this.node.getConnections().filter(isWebRtc).map((connection) => connection.remotePeer.toString()))];
  }

  relays(): RelayStatus[] {
    const open = this.node.getConnections().map((connection) => connection.remoteAddr.toString());
    return this.relayNodes.map(({ url, address }) => ({ url, open: open.some((remote) => remote.startsWith(address)) }));
  }

  /** Every page this one holds any connection to (WebRTC or relayed), the count the bound applies to. */
  linkedPages(): Set<string> {
    return new Set(this.node.getConnections().filter(isPageLink).map((connection) => connection.remotePeer.toString()));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.tick);
    this.onPeersChange = null;
    this.onMessage = null;
    await this.node.stop();
  }

  /** Pages linked or being dialed: an inbound link accepted while a dial is under way would take the bound's last place twice. */
  private full(peer: PeerId): boolean {
    const taken = this.linkedPages();
    for (const key of this.pending.keys()) if (!key.startsWith('/')) taken.add(key);
    return !taken.has(peer.toString()) && taken.size >= this.maxPeers;
  }

  /**
   * Two pages dialing each other at once would hold two links to one another: the dial of the lower
   * peer id goes on, and its page refuses the other's (both sides judge alike).
   */
  dialWins(remote: PeerId): boolean {
    const id = remote.toString();
    return this.pending.has(id) && this.node.peerId.toString() < id;
  }

  private linkOpened(connection: Connection): void {
    const id = connection.remotePeer.toString();
    // A gater check and a dial that passed it at once can go one past the bound: the newest link goes.
    if (this.linkedPages().size > this.maxPeers && !this.hadOtherLink(connection)) return void connection.close().catch(() => {});
    // The other page dialed first and wins: this page's own dial to it is called off.
    if (connection.direction === 'inbound' && this.pending.has(id) && !this.dialWins(connection.remotePeer)) this.pending.get(id)!.abort();
    // Both dials got through anyway: the lower peer id's stays (both pages choose the same one).
    const webrtc = this.node.getConnections(connection.remotePeer).filter(isWebRtc);
    if (webrtc.length > 1) {
      const keep = this.node.peerId.toString() < id ? 'outbound' : 'inbound';
      for (const extra of webrtc.filter((link) => link.direction !== keep).slice(0, webrtc.length - 1)) void extra.close().catch(() => {});
    }
  }

  private hadOtherLink(connection: Connection): boolean {
    return this.node.getConnections(connection.remotePeer).some((other) => other !== connection && isPageLink(other));
  }

  private connectedTo(peer: PeerId): boolean {
    return this.node.getConnections(peer).some(isPageLink);
  }

  private peersMayHaveChanged(): void {
    const count = this.peers().length;
    if (count === this.lastPeerCount) return;
    this.lastPeerCount = count;
    this.onPeersChange?.(count);
  }

  private maintain(): void {
    if (this.closed) return;
    const now = Date.now();
    this.connectRelays(now);
    if (now - this.lastAnnounceAt >= ANNOUNCE_MS) this.announce();
    this.dialPages(now);
  }

  private connectRelays(now: number): void {
    const status = this.relays();
    for (const [i, { address }] of this.relayNodes.entries()) {
      if (status[i]!.open || this.pending.has(address) || !this.ready(address, now)) continue;
      void this.dial(address, (signal) => this.node.dial(multiaddr(address), { signal }));
    }
  }

  /** Tells the other pages where to dial this one, once a relay holds a reservation for it, while it has room for another link. */
  private announce(): void {
    if (this.closed || this.linkedPages().size >= this.maxPeers) return;
    const addresses = this.node
      .getMultiaddrs()
      .map((address) => address.toString())
      .filter((address) => address.includes('/p2p-circuit/webrtc'));
    if (addresses.length === 0) return;
    this.lastAnnounceAt = Date.now();
    this.node.services.pubsub.publish(DISCOVERY_TOPIC, encodeAnnouncement({ network: this.network, addresses })).catch(() => {});
  }

  /**
   * Dials random pages heard announcing until this page has dialed half its bound itself (the rest of
   * its links are pages dialing it). Each page dialing a few at random makes a connected network.
   */
  private dialPages(now: number): void {
    const linked = this.linkedPages();
    const target = Math.max(1, Math.floor(this.maxPeers / 2));
    const candidates = this.known
      .current(now)
      .filter(([id]) => !linked.has(id) && !this.pending.has(id) && this.ready(id, now))
      .sort(() => Math.random() - 0.5);
    for (const [id, addresses] of candidates) {
      const ours = [...this.dialed].filter((peer) => linked.has(peer)).length + [...this.pending.keys()].filter((key) => !key.startsWith('/')).length;
      if (ours >= target || linked.size + this.pending.size >= this.maxPeers || this.pending.size >= MAX_PENDING_DIALS) return;
      void this.dial(id, async (signal) => {
        const connection = await this.node.dial(
          addresses.map((address) => multiaddr(address)),
          { signal },
        );
        this.dialed.add(id);
        this.known.forget(id);
        // The relayed connection only carried the WebRTC handshake.
        for (const other of this.node.getConnections(connection.remotePeer)) if (!isWebRtc(other)) void other.close().catch(() => {});
      });
    }
  }

  private ready(key: string, now: number): boolean {
    return (this.backoff.get(key)?.until ?? 0) <= now;
  }

  private async dial(key: string, dial: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
    const controller = new AbortController();
    this.pending.set(key, controller);
    try {
      await dial(controller.signal);
      this.backoff.delete(key);
    } catch (error) {
      const delayMs = Math.min(MAX_BACKOFF_MS, (this.backoff.get(key)?.delayMs ?? BACKOFF_MS / 2) * 2);
      this.backoff.set(key, { until: Date.now() + delayMs, delayMs });
      if (!key.startsWith('/')) this.onHandshakeError?.(error instanceof Error ? error.message : String(error));
    } finally {
      this.pending.delete(key);
    }
  }
}
