import { broadcastChannelTransport } from './broadcast-channel.js';
import { libp2pTransport, type Libp2pTransportOptions } from './libp2p.js';
import type { TransportFactory } from './transport.js';
import { trysteroTransport, type SignalingStrategy } from './trystero.js';

export interface NetworkTransportOptions {
  /** Network name (room); default `rakis1`. */
  network?: string;
  /** Signaling networks to join at once; default torrent (the lightest: its client is trystero's shared core and 2 KB). */
  strategies?: SignalingStrategy[];
  /**
   * Signaling networks joined only if the others find no peer within `MeshLimits.fallbackAfterMs`;
   * default nostr and MQTT (6 KB and 103 KB gzip of client code) when `strategies` is not given, else none.
   */
  fallbackStrategies?: SignalingStrategy[];
  /** Relay URLs per strategy (e.g. the local relays); a strategy without them uses trystero's public relays. */
  relayUrls?: Partial<Record<SignalingStrategy, string[]>>;
  rtcConfig?: RTCConfiguration;
  /**
   * Also join the libp2p network (gossipsub over WebRTC, a bounded number of links per page) through
   * these relay nodes; its code is downloaded only then. For networks larger than one trystero room.
   */
  libp2p?: Omit<Libp2pTransportOptions, 'network' | 'rtcConfig'>;
  /** Also reach tabs of the same origin directly; default true. */
  broadcastChannel?: boolean;
}

/** Ports of the local relays that `npm start` runs (tools/relay/cli.js defaults; keep the two in step). */
export const LOCAL_RELAY_PORTS = { torrent: 8787, mqtt: 8788, nostr: 8789 } as const;

/** Relay URLs for the local relays on `host`, for a page told to use them instead of the public ones. */
export function localRelayUrls(host = '127.0.0.1'): Record<keyof typeof LOCAL_RELAY_PORTS, string[]> {
  return {
    torrent: [`ws://${host}:${LOCAL_RELAY_PORTS.torrent}`],
    mqtt: [`ws://${host}:${LOCAL_RELAY_PORTS.mqtt}`],
    nostr: [`ws://${host}:${LOCAL_RELAY_PORTS.nostr}`],
  };
}

/** The transports a browser node joins: every chosen signaling network (some as fallbacks), libp2p if asked, plus tabs of its own origin. */
export function networkTransports(options: NetworkTransportOptions = {}): TransportFactory[] {
  const { network, rtcConfig } = options;
  const strategies = options.strategies ?? ['torrent'];
  const fallbacks: SignalingStrategy[] = options.fallbackStrategies ?? (options.strategies ? [] : ['nostr', 'mqtt']);
  const transport = (strategy: SignalingStrategy, fallback: boolean) => {
    const relayUrls = options.relayUrls?.[strategy];
    return trysteroTransport({ strategy, ...(network && { network }), ...(relayUrls && { relayUrls }), ...(rtcConfig && { rtcConfig }), ...(fallback && { fallback }) });
  };
  const transports = [...strategies.map((strategy) => transport(strategy, false)), ...fallbacks.filter((strategy) => !strategies.includes(strategy)).map((strategy) => transport(strategy, true))];
  if (options.libp2p) transports.push(libp2pTransport({ ...options.libp2p, ...(network && { network }), ...(rtcConfig && { rtcConfig }) }));
  if (options.broadcastChannel ?? true) transports.push(broadcastChannelTransport(network ? { network } : {}));
  return transports;
}
