import type { TransportFactory } from './transport.js';

/** Port of the local libp2p relay node that `npm start` runs (tools/relay/cli.js `--libp2p-port`; keep the two in step). */
export const LOCAL_LIBP2P_RELAY_PORT = 8790;

export interface Libp2pTransportOptions {
  /** Network name; its packets ride a gossipsub topic of their own. */
  network?: string;
  /** `ws://` or `wss://` URLs of libp2p relay nodes (circuit relay v2 over WebSocket, as tools/relay runs). */
  relayUrls: string[];
  /**
   * Most pages this page links to directly (WebRTC), however many join; default 6. The relay
   * connections are not counted. Each page dials up to half of these itself and accepts the rest.
   */
  maxPeers?: number;
  /** Gossipsub's mesh degree D (peers a packet is pushed to); default `maxPeers - 1`, at least 1. */
  meshDegree?: number;
  /** ICE servers; default none (the relay carries signalling, and offline STUN servers only stall). */
  rtcConfig?: RTCConfiguration;
}

/**
 * The libp2p transport: gossipsub over WebRTC links between pages, which find each other and signal
 * through circuit-relay-v2 nodes reached over WebSocket. Each page keeps a bounded number of links
 * however many pages join, so it scales past trystero's full mesh. Its code (a chunk of its own, some
 * 170 KB gzip) is downloaded only when the transport is opened.
 */
export function libp2pTransport(options: Libp2pTransportOptions): TransportFactory {
  return {
    name: 'libp2p',
    open: async () => {
      const { Libp2pTransport } = await import('./libp2p-transport.js');
      return Libp2pTransport.open(options);
    },
  };
}
