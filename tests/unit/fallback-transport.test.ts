import { afterEach, describe, expect, test } from 'vitest';
import { MemoryBus, Mesh, networkTransports, type TransportFactory } from '../../src/network/index.js';
import { createIdentity, type PeerStatusFields } from '../../src/protocol/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';

const presence = (): PeerStatusFields => ({ role: 'observer', models: [], embeddingModels: [], tokensServed: 0, client: 'test/1' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A fallback on its own bus, counting how often the mesh opened it. */
function countedFallback(bus: MemoryBus): TransportFactory & { opened: number } {
  const inner = bus.transport('mqtt');
  const factory = {
    name: 'mqtt',
    fallback: true,
    opened: 0,
    open: () => {
      factory.opened++;
      return inner.open();
    },
  };
  return factory;
}

const meshes: Mesh[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((mesh) => mesh.close()));
});

function meshOn(clock: ManualClock, transports: TransportFactory[]): Mesh {
  const mesh = new Mesh({ identity: createIdentity(), transports, scheduler: clock, presence });
  meshes.push(mesh);
  mesh.start();
  return mesh;
}

describe('fallback transports', () => {
  test('a node that hears nobody opens its fallback after fallbackAfterMs, not before', async () => {
    const clock = new ManualClock();
    const fallback = countedFallback(new MemoryBus({ scheduler: clock }));
    const mesh = meshOn(clock, [new MemoryBus({ scheduler: clock }).transport('torrent'), fallback]);
    await settle();
    clock.advance(4_000);
    expect(fallback.opened).toBe(0);
    expect(mesh.health().find((h) => h.transport === 'mqtt')).toMatchObject({ state: 'standby', peers: 0 });
    clock.advance(2_000);
    await settle();
    expect(fallback.opened).toBe(1);
    expect(mesh.health().find((h) => h.transport === 'mqtt')!.state).toBe('live');
    clock.advance(60_000);
    expect(fallback.opened).toBe(1);
  });

  test('nodes that find each other on the first transports never open it', async () => {
    const clock = new ManualClock();
    const first = new MemoryBus({ scheduler: clock, latencyMs: 50 });
    const fallbacks = [0, 1].map(() => countedFallback(new MemoryBus({ scheduler: clock })));
    const [a, b] = fallbacks.map((fallback) => meshOn(clock, [first.transport('torrent'), fallback]));
    // Signatures are checked asynchronously: let each step's hellos be judged before time moves on.
    for (let second = 0; second < 60; second++) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(a!.peers()).toHaveLength(1);
    expect(b!.peers()).toHaveLength(1);
    expect(fallbacks.map((fallback) => fallback.opened)).toEqual([0, 0]);
  });

  test('another tab of the same browser is not the network: a node that hears only it still opens the fallback', async () => {
    const clock = new ManualClock();
    const tabs = new MemoryBus({ scheduler: clock, latencyMs: 5 });
    const fallbacks = [0, 1].map(() => countedFallback(new MemoryBus({ scheduler: clock })));
    const [a] = fallbacks.map((fallback) => meshOn(clock, [new MemoryBus({ scheduler: clock }).transport('torrent'), tabs.transport('broadcast'), fallback]));
    for (let second = 0; second < 8; second++) {
      clock.advance(1_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(a!.peers().map((peer) => peer.transports)).toEqual([['broadcast']]);
    expect(fallbacks.map((fallback) => fallback.opened)).toEqual([1, 1]);
  });

  test('by default nostr and MQTT are the fallbacks; strategies chosen explicitly are joined at once, with no fallback', () => {
    const shape = (transports: TransportFactory[]) => transports.map(({ name, fallback }) => `${name}${fallback ? ' (fallback)' : ''}`);
    expect(shape(networkTransports())).toEqual(['torrent', 'nostr (fallback)', 'mqtt (fallback)', 'broadcast']);
    expect(shape(networkTransports({ strategies: ['torrent', 'mqtt'] }))).toEqual(['torrent', 'mqtt', 'broadcast']);
    expect(shape(networkTransports({ strategies: ['nostr'], fallbackStrategies: ['torrent'], broadcastChannel: false }))).toEqual(['nostr', 'torrent (fallback)']);
  });
});
