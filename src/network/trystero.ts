import type { JoinRoom, MessageAction, Room } from '@trystero-p2p/torrent';
import type { RelaySwitch } from './relay-retry.js';
import { roomOf } from './room.js';
import { toMessage, type RelayStatus, type Transport, type TransportFactory } from './transport.js';

/** The public signaling networks trystero can use to introduce WebRTC peers. */
export type SignalingStrategy = 'torrent' | 'mqtt' | 'nostr';

export interface TrysteroTransportOptions {
  strategy: SignalingStrategy;
  /** Network name; the room is derived from it. */
  network?: string;
  /** Relay URLs (trackers, brokers, nostr relays); default: the public relays trystero knows. */
  relayUrls?: string[];
  /** How many of the default public relays to use when `relayUrls` is not given. */
  redundancy?: number;
  /** ICE servers etc. Offline or on loopback pass `{ iceServers: [] }`: unreachable STUN servers stall torrent offers. */
  rtcConfig?: RTCConfiguration;
  /** Kept back (its code not even downloaded) until the node finds no peer on its other transports. */
  fallback?: boolean;
}

interface StrategyModule extends Partial<RelaySwitch> {
  joinRoom: JoinRoom;
  /** The WebSocket of every relay the strategy opened, by URL (MQTT's is its client's current socket). */
  getRelaySockets: () => Record<string, WebSocket | undefined>;
  defaultRelayUrls: string[];
}

/** Each strategy is its own chunk, so a page downloads only the signaling code it uses. */
async function loadStrategy(strategy: SignalingStrategy): Promise<StrategyModule> {
  switch (strategy) {
    case 'torrent':
      return import('@trystero-p2p/torrent');
    case 'mqtt':
      return import('@trystero-p2p/mqtt');
    case 'nostr':
      return import('@trystero-p2p/nostr');
  }
}

/** `WebSocket.OPEN`, which is not a global in every runtime. */
const SOCKET_OPEN = 1;

/** trystero action name carrying packets (at most 32 bytes). */
const PACKET_ACTION = 'pkt';

export function trysteroTransport(options: TrysteroTransportOptions): TransportFactory {
  return {
    name: options.strategy,
    direct: true,
    ...(options.fallback && { fallback: true }),
    // The retry schedule is a chunk of its own, fetched beside the strategy's: the script-tag core stays without it.
    open: async () => {
      const [strategy, { holdRelayRetry }] = await Promise.all([loadStrategy(options.strategy), import('./relay-retry.js')]);
      return new TrysteroTransport(options, strategy, holdRelayRetry);
    },
  };
}

class TrysteroTransport implements Transport {
  readonly name: string;
  onMessage: Transport['onMessage'] = null;
  onPeersChange: Transport['onPeersChange'] = null;
  onError: Transport['onError'] = null;
  onHandshakeError: Transport['onHandshakeError'] = null;
  private readonly room: Room;
  private readonly action: MessageAction<Uint8Array>;
  /** Ends this transport's hold on the page's relay retry schedule (torrent and nostr; MQTT's client reconnects on its own). */
  private readonly releaseRetry: () => void;

  constructor(
    private readonly options: TrysteroTransportOptions,
    private readonly strategy: StrategyModule,
    holdRelayRetry: typeof import('./relay-retry.js').holdRelayRetry,
  ) {
    this.name = options.strategy;
    // Held before the room opens its sockets, so none is ever counted towards trystero giving it up.
    this.releaseRetry = holdRelayRetry(strategy, () => this.relays().every((relay) => relay.open));
    const { appId, roomId } = roomOf(options.network);
    this.room = strategy.joinRoom(
      {
        appId,
        ...(options.relayUrls || options.redundancy
          ? { relayConfig: { ...(options.relayUrls && { urls: options.relayUrls }), ...(options.redundancy && { redundancy: options.redundancy }) } }
          : {}),
        ...(options.rtcConfig && { rtcConfig: options.rtcConfig }),
      },
      roomId,
      // A peer found through a relay whose WebRTC link did not form (handshake failed or timed out, SDP exchanged but no connection).
      { onJoinError: ({ error }) => this.onHandshakeError?.(error) },
    );
    this.action = this.room.makeAction<Uint8Array>(PACKET_ACTION);
    // A hostile peer may send strings or JSON on this action; toMessage hands them on unconverted for the mesh to measure and reject.
    this.action.onMessage = (data, { peerId }) => this.onMessage?.(toMessage(data), peerId);
    this.room.onPeerJoin = () => this.onPeersChange?.(this.peers().length);
    this.room.onPeerLeave = () => this.onPeersChange?.(this.peers().length);
  }

  send(bytes: Uint8Array, links?: readonly string[]): void {
    if (this.peers().length === 0) return;
    // A peer leaving mid-send rejects; the packet still reached the others. No target: every peer.
    this.action.send(bytes, { target: links as string[] | undefined }).catch(() => {});
  }

  peers(): string[] {
    return Object.keys(this.room.getPeers());
  }

  /**
   * The relays this room signals through and whether each socket is open now. trystero's sockets are
   * per strategy, shared by every room and kept across rooms, so only this room's URLs are reported;
   * without URLs given, the public relays it opened (its defaults, before it opened any).
   */
  relays(): RelayStatus[] {
    const sockets = this.strategy.getRelaySockets();
    const opened = Object.keys(sockets);
    const urls = this.options.relayUrls ?? (opened.length > 0 ? opened : this.strategy.defaultRelayUrls.slice(0, this.options.redundancy));
    return urls.map((url) => ({ url, open: sockets[url]?.readyState === SOCKET_OPEN }));
  }

  async close(): Promise<void> {
    this.releaseRetry();
    this.room.onPeerJoin = null;
    this.room.onPeerLeave = null;
    this.action.onMessage = null;
    this.onHandshakeError = null;
    await this.room.leave();
  }
}
