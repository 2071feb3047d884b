import type { JoinRoom, MessageAction, Room } from '@trystero-p2p/torrent';
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
}

interface StrategyModule {
  joinRoom: JoinRoom;
  getRelaySockets: () => Record<string, WebSocket | undefined>;
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

/** trystero action name carrying packets (at most 32 bytes). */
const PACKET_ACTION = 'pkt';

export function trysteroTransport(options: TrysteroTransportOptions): TransportFactory {
  return {
    name: options.strategy,
    open: async () => {
      const strategy = await loadStrategy(options.strategy);
      const { appId, roomId } = roomOf(options.network);
      const room = strategy.joinRoom(
        {
          appId,
          ...(options.relayUrls || options.redundancy
            ? { relayConfig: { ...(options.relayUrls && { urls: options.relayUrls }), ...(options.redundancy && { redundancy: options.redundancy }) } }
            : {}),
          ...(options.rtcConfig && { rtcConfig: options.rtcConfig }),
        },
        roomId,
      );
      return new TrysteroTransport(options.strategy, room, strategy, options.relayUrls);
    },
  };
}

class TrysteroTransport implements Transport {
  onMessage: Transport['onMessage'] = null;
  onPeersChange: Transport['onPeersChange'] = null;
  onError: Transport['onError'] = null;
  private readonly action: MessageAction<Uint8Array>;

  constructor(
    readonly name: string,
    private readonly room: Room,
    private readonly strategy: StrategyModule,
    private readonly relayUrls: string[] | undefined,
  ) {
    this.action = room.makeAction<Uint8Array>(PACKET_ACTION);
    // A hostile peer may send strings or JSON on this action; toMessage hands them on unconverted for the mesh to measure and reject.
    this.action.onMessage = (data, { peerId }) => this.onMessage?.(toMessage(data), peerId);
    room.onPeerJoin = () => this.onPeersChange?.(this.peers().length);
    room.onPeerLeave = () => this.onPeersChange?.(this.peers().length);
  }

  send(bytes: Uint8Array): void {
    if (this.peers().length === 0) return;
    // A peer leaving mid-send rejects; the packet still reached the others.
    this.action.send(bytes).catch(() => {});
  }

  peers(): string[] {
    return Object.keys(this.room.getPeers());
  }

  relays(): RelayStatus[] {
    const sockets = this.strategy.getRelaySockets();
    const urls = this.relayUrls ?? Object.keys(sockets);
    return urls.map((url) => ({ url, open: sockets[url]?.readyState === WebSocket.OPEN }));
  }

  async close(): Promise<void> {
    this.room.onPeerJoin = null;
    this.room.onPeerLeave = null;
    this.action.onMessage = null;
    await this.room.leave();
  }
}
