import type { RelayStatus, Transport, TransportFactory, TransportMessage } from '../src/network/transport.js';

/** A transport whose inbound messages a test writes itself (anything a peer could hand the mesh), with one linked peer. */
export function rawTransport(name = 'raw', relays: () => RelayStatus[] = () => []): { factory: TransportFactory; deliver: (message: TransportMessage) => void } {
  let transport: Transport | undefined;
  const factory: TransportFactory = {
    name,
    open: async () =>
      (transport = {
        name,
        onMessage: null,
        onPeersChange: null,
        onError: null,
        send: () => {},
        peers: () => ['peer'],
        relays,
        close: async () => {},
      }),
  };
  return { factory, deliver: (message) => transport!.onMessage!(message, 'peer') };
}
