import { DEFAULT_NETWORK } from './room.js';
import { toMessage, type RelayStatus, type Transport, type TransportFactory } from './transport.js';

/**
 * Tabs of one origin talk through a BroadcastChannel: no relay, no WebRTC, no latency to speak of.
 * It has no notion of peers, so it reports none and is never restarted for losing them.
 */
export function broadcastChannelTransport(options: { network?: string } = {}): TransportFactory {
  const channelName = `rakis:${options.network ?? DEFAULT_NETWORK}`;
  return {
    name: 'broadcast',
    open: async () => new BroadcastChannelTransport(new BroadcastChannel(channelName)),
  };
}

class BroadcastChannelTransport implements Transport {
  readonly name = 'broadcast';
  onMessage: Transport['onMessage'] = null;
  onPeersChange: Transport['onPeersChange'] = null;
  onError: Transport['onError'] = null;
  onHandshakeError: Transport['onHandshakeError'] = null;

  constructor(private readonly channel: BroadcastChannel) {
    channel.onmessage = (event: MessageEvent<unknown>) => this.onMessage?.(toMessage(event.data), 'tab');
    channel.onmessageerror = () => this.onMessage?.(null, 'tab');
  }

  send(bytes: Uint8Array): void {
    this.channel.postMessage(bytes);
  }

  peers(): string[] {
    return [];
  }

  relays(): RelayStatus[] {
    return [];
  }

  async close(): Promise<void> {
    this.channel.close();
  }
}
