/**
 * The network layer: transports that move bytes between nodes, and the Mesh that turns them into
 * verified, deduplicated packets.
 *
 * ```ts
 * const mesh = new Mesh({
 *   identity,
 *   transports: networkTransports({ network: 'rakis1' }), // torrent's public trackers, nostr and mqtt as fallbacks, plus same-origin tabs
 *   presence: () => ({ role: 'worker', models, embeddingModels, tokensServed, client }),
 * });
 * mesh.onPacket((packet, { id, transport }) => ...);
 * mesh.start();
 * mesh.publish({ type: 'commit', ... });
 * ```
 * Local relays (`npm start`, tests): `networkTransports({ strategies: ['torrent', 'mqtt'], relayUrls: localRelayUrls() })`.
 * Past one room: `networkTransports({ strategies: [], libp2p: { relayUrls: ['wss://relay.example'] } })` (gossipsub, bounded links per page).
 * Simulations: `new MemoryBus({ scheduler, latencyMs, lossRate }).transport()` per node.
 */
export { systemScheduler, type Scheduler, type TimerHandle } from './clock.js';
export { broadcastChannelTransport } from './broadcast-channel.js';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.js';
export { Mesh, type Delivery, type MeshDropReason, type MeshOptions, type MeshStats, type PeersChange } from './mesh.js';
export { DEFAULT_MESH_LIMITS, type MeshLimits } from './mesh-limits.js';
export type { PeerInfo } from './peer-table.js';
export type { RateLimits } from './rate-limit.js';
export { APP_ID, DEFAULT_NETWORK, roomOf } from './room.js';
export { type RestartPolicy, type TransportHealth, type TransportState } from './supervised-transport.js';
export type { RelayStatus, Transport, TransportFactory, TransportMessage } from './transport.js';
export { LOCAL_RELAY_PORTS, localRelayUrls, networkTransports, type NetworkTransportOptions } from './network-transports.js';
export { LOCAL_LIBP2P_RELAY_PORT, libp2pTransport, type Libp2pTransportOptions } from './libp2p.js';
export { trysteroTransport, type SignalingStrategy, type TrysteroTransportOptions } from './trystero.js';
