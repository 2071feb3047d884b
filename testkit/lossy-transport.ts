import type { Transport, TransportFactory } from '../src/network/transport.js';

/** What a lossy transport let through and what it lost, summed over the transports sharing it. */
export interface LossCounts {
  delivered: number;
  dropped: number;
}

/**
 * A transport like `factory`'s that loses a share `dropRate` of the messages arriving on it, at random
 * (each one independently: a trystero message is a whole frame of packets, as the mesh sends them).
 * Sending, links and errors are the real transport's. For tests of a node on a bad connection.
 */
export function lossyTransport(factory: TransportFactory, dropRate: number, counts: LossCounts, random: () => number = Math.random): TransportFactory {
  return {
    ...factory,
    open: async () => {
      const inner = await factory.open();
      const outer: Transport = {
        name: inner.name,
        onMessage: null,
        onPeersChange: null,
        onError: null,
        onHandshakeError: null,
        send: (bytes, links) => inner.send(bytes, links),
        peers: () => inner.peers(),
        relays: () => inner.relays(),
        close: () => inner.close(),
      };
      inner.onMessage = (bytes, link) => {
        if (random() < dropRate) {
          counts.dropped++;
          return;
        }
        counts.delivered++;
        outer.onMessage?.(bytes, link);
      };
      inner.onPeersChange = (count) => outer.onPeersChange?.(count);
      inner.onError = (message) => outer.onError?.(message);
      inner.onHandshakeError = (message) => outer.onHandshakeError?.(message);
      return outer;
    },
  };
}
