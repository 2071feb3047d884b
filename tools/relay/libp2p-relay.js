// A libp2p relay node for pages on the libp2p transport (src/network/libp2p.ts): pages reach it over
// WebSocket, reserve a circuit-relay-v2 slot on it, signal their WebRTC links to each other through it,
// and announce themselves on its discovery topic. It carries no application traffic: it stays out of
// the networks' packet topics (inside them, with a low mesh degree, the meshes would collapse onto it).

/** Gossipsub topic pages announce their WebRTC addresses on (src/network/libp2p-discovery.ts DISCOVERY_TOPIC). */
export const LIBP2P_DISCOVERY_TOPIC = 'rakis-elements/peers/1';

/**
 * Starts the relay node on ws://host:port.
 * @param {string} host
 * @param {number} port
 * @returns {Promise<{ url: string, peerId: string, close: () => Promise<void> }>}
 */
export async function startLibp2pRelay(host, port) {
  // libp2p 3 calls Promise.withResolvers, which Node 20 lacks; it must exist before libp2p loads.
  if (!Promise.withResolvers) {
    Promise.withResolvers = function withResolvers() {
      let resolve;
      let reject;
      const promise = new Promise((yes, no) => {
        resolve = yes;
        reject = no;
      });
      return { promise, resolve, reject };
    };
  }
  const [{ createLibp2p }, { webSockets }, { noise }, { yamux }, { identify }, { circuitRelayServer }, { gossipsub }] = await Promise.all([
    import('libp2p'),
    import('@libp2p/websockets'),
    import('@libp2p/noise'),
    import('@libp2p/yamux'),
    import('@libp2p/identify'),
    import('@libp2p/circuit-relay-v2'),
    import('@libp2p/gossipsub'),
  ]);
  const ip = host.includes(':') ? 'ip6' : 'ip4';
  const node = await createLibp2p({
    addresses: { listen: [`/${ip}/${host}/tcp/${port}/ws`] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Every page of a local network comes from 127.0.0.1: the default of 5 inbound connections per second per host refuses a crowd.
    connectionManager: { inboundConnectionThreshold: 1_000, maxConnections: 2_000, maxIncomingPendingConnections: 200 },
    services: {
      identify: identify(),
      relay: circuitRelayServer({ reservations: { maxReservations: 1_000 } }),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }),
    },
  });
  node.services.pubsub.subscribe(LIBP2P_DISCOVERY_TOPIC);
  const listening = node.getMultiaddrs()[0];
  const boundPort = Number(listening?.toString().match(/\/tcp\/(\d+)/)?.[1] ?? port);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${urlHost}:${boundPort}`,
    peerId: node.peerId.toString(),
    close: () => node.stop(),
  };
}
