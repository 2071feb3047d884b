import { broadcastChannelTransport } from './broadcast-channel.js';
import type { TransportFactory } from './transport.js';
import { trysteroTransport, type SignalingStrategy } from './trystero.js';

export interface NetworkTransportOptions {
  /** Network name (room); default `rakis1`. */
  network?: string;
  /** Signaling networks to join at once; default all three. */
  strategies?: SignalingStrategy[];
  /** Relay URLs per strategy (e.g. the local relays); a strategy without them uses trystero's public relays. */
  relayUrls?: Partial<Record<SignalingStrategy, string[]>>;
  rtcConfig?: RTCConfiguration;
  /** Also reach tabs of the same origin directly; default true. */
  broadcastChannel?: boolean;
}

/** The transports a browser node joins: every chosen signaling network, plus tabs of its own origin. */
export function networkTransports(options: NetworkTransportOptions = {}): TransportFactory[] {
  const { network, rtcConfig } = options;
  const strategies = options.strategies ?? ['torrent', 'mqtt', 'nostr'];
  const transports = strategies.map((strategy) => {
    const relayUrls = options.relayUrls?.[strategy];
    return trysteroTransport({ strategy, ...(network && { network }), ...(relayUrls && { relayUrls }), ...(rtcConfig && { rtcConfig }) });
  });
  if (options.broadcastChannel ?? true) transports.push(broadcastChannelTransport(network ? { network } : {}));
  return transports;
}
