import type { RelayStatus, Transport, TransportFactory, TransportMessage } from '../src/network/transport.js';

/** A transport whose inbound messages (anything a peer could hand the mesh) and relays a test writes itself, with one linked peer. */
export function rawTransport(
  name = 'raw',
  relays: () => RelayStatus[] = () => [],
): { factory: TransportFactory; deliver: (message: TransportMessage) => void; current: () => Transport | undefined } {
  let transport: Transport | undefined;
  const factory: TransportFactory = {
    name,
    open: async () =>
      (transport = {
        name,
        onMessage: null,
        onPeersChange: null,
        onError: null,
        onHandshakeError: null,
        send: () => {},
        peers: () => ['peer'],
        relays,
        close: async () => {},
      }),
  };
  return { factory, deliver: (message) => transport!.onMessage!(message, 'peer'), current: () => transport };
}
