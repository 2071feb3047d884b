import { afterEach, describe, expect, test } from 'vitest';
import { createIdentity, type PeerStatusFields } from '../../src/protocol/index.js';
import { MemoryBus } from '../../src/network/index.js';
import { LinkRoutes } from '../../src/network/link-routes.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { MeshHarness } from '../../testkit/mesh-harness.js';

describe('LinkRoutes', () => {
  const sets = (torrent: string[], mqtt: string[]) => [
    { transport: 'torrent', direct: true, links: torrent },
    { transport: 'mqtt', direct: true, links: mqtt },
    { transport: 'broadcast', direct: false, links: [] },
  ];
  /** An announcement by `node` heard on each of `links` and verified. */
  const hear = (routes: LinkRoutes, key: string, node: string, ...links: [string, string][]) => {
    const [[transport, link], ...copies] = links as [[string, string], ...[string, string][]];
    routes.announced(key, node, transport, link);
    for (const [copyTransport, copyLink] of copies) routes.copy(key, copyTransport, copyLink);
    routes.verified(key, true);
  };

  test('unknown links get every packet; a known node gets it over its first link only', () => {
    const routes = new LinkRoutes(100);
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, undefined, undefined]);
    hear(routes, 'k1', 'X', ['torrent', 'a'], ['mqtt', 'c']);
    expect(routes.nodeOf('mqtt', 'c')).toBe('X');
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, ['d'], undefined]);
    // Copies arriving after the verdict name their links too.
    hear(routes, 'k2', 'Y', ['mqtt', 'd']);
    routes.copy('k2', 'torrent', 'b');
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, [], undefined]);
    // The torrent link to X gone: X is reached over MQTT.
    routes.linksChanged('torrent', ['b']);
    expect(routes.plan(sets(['b'], ['c', 'd']))).toEqual([undefined, ['c'], undefined]);
  });

  test('an announcement whose signature failed names nothing, nor do its copies', () => {
    const routes = new LinkRoutes(100);
    routes.announced('k', 'X', 'torrent', 'a');
    routes.copy('k', 'mqtt', 'c');
    routes.verified('k', false);
    routes.copy('k', 'mqtt', 'd');
    expect([routes.nodeOf('torrent', 'a'), routes.nodeOf('mqtt', 'c'), routes.nodeOf('mqtt', 'd')]).toEqual([undefined, undefined, undefined]);
  });

  test('a link that carried two nodes announcements is sent to as unknown', () => {
    const routes = new LinkRoutes(100);
    hear(routes, 'k1', 'X', ['torrent', 'a'], ['mqtt', 'c']);
    hear(routes, 'k2', 'Y', ['torrent', 'a']);
    expect(routes.nodeOf('torrent', 'a')).toBeUndefined();
    expect(routes.plan(sets(['a'], ['c']))).toEqual([undefined, undefined, undefined]);
  });

  test('a node named by two links of one transport is sent to on all its links', () => {
    const routes = new LinkRoutes(100);
    hear(routes, 'k1', 'X', ['torrent', 'a'], ['torrent', 'b'], ['mqtt', 'c']);
    hear(routes, 'k2', 'Y', ['mqtt', 'd']);
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, undefined, undefined]);
  });

  test('names at most maxLinks links, and follows at most maxAnnouncements announcements', () => {
    const routes = new LinkRoutes(3, 2);
    for (let i = 0; i < 10; i++) hear(routes, `k${i}`, `N${i}`, ['torrent', `l${i}`]);
    expect(Array.from({ length: 10 }, (_, i) => routes.nodeOf('torrent', `l${i}`)).filter(Boolean)).toEqual(['N7', 'N8', 'N9']);
    routes.copy('k0', 'mqtt', 'x');
    routes.copy('k9', 'mqtt', 'y');
    expect([routes.nodeOf('mqtt', 'x'), routes.nodeOf('mqtt', 'y')]).toEqual([undefined, 'N9']);
  });
});

const presence = (): PeerStatusFields => ({ role: 'worker', models: [], embeddingModels: [], tokensServed: 0, client: 'test/1' });
const meshes: MeshHarness[] = [];
afterEach(async () => {
  await Promise.all(meshes.splice(0).map((mesh) => mesh.close()));
});

/** Lets microtasks, timers of 0 ms and async signature checks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

async function network(options: { everyLink?: boolean } = {}) {
  const clock = new ManualClock();
  const buses = [new MemoryBus({ scheduler: clock, direct: true }), new MemoryBus({ scheduler: clock, direct: true })];
  const nodes = Array.from({ length: 3 }, () => {
    const mesh = new MeshHarness({ identity: createIdentity(), transports: buses.map((bus, i) => bus.transport(`bus${i}`)), scheduler: clock, presence, ...options });
    meshes.push(mesh);
    mesh.start();
    return mesh;
  });
  await settle();
  // The hellos that follow the new links name them.
  clock.advance(300);
  await settle();
  return { clock, buses, nodes };
}

const decline = (i: number) => ({ type: 'decline' as const, requestId: i.toString(16).padStart(64, '0'), reason: 'queue-full' as const });

describe('Mesh routes over direct links', () => {
  test('a packet crosses one link per node once the links are named; announcements every link', async () => {
    const { nodes } = await network();
    const before = nodes.map((mesh) => mesh.stats());
    for (let i = 0; i < 5; i++) nodes[0]!.publish(decline(i));
    await settle();
    for (const [index, mesh] of nodes.entries()) {
      if (index === 0) continue;
      const stats = mesh.stats();
      expect(stats.received - before[index]!.received).toBe(5);
      expect(stats.accepted - before[index]!.accepted).toBe(5);
    }
  });

  test('with everyLink, every packet crosses every link', async () => {
    const { nodes } = await network({ everyLink: true });
    const before = nodes[1]!.stats();
    for (let i = 0; i < 5; i++) nodes[0]!.publish(decline(i));
    await settle();
    const after = nodes[1]!.stats();
    expect([after.received - before.received, after.accepted - before.accepted]).toEqual([10, 5]);
  });

  test('when the preferred links go, packets take the others', async () => {
    const { buses, nodes } = await network();
    buses[0]!.down();
    await settle();
    const before = nodes[2]!.stats();
    for (let i = 0; i < 5; i++) nodes[0]!.publish(decline(i));
    await settle();
    const after = nodes[2]!.stats();
    expect([after.received - before.received, after.accepted - before.accepted]).toEqual([5, 5]);
  });
});
