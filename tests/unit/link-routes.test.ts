import { afterEach, describe, expect, test } from 'vitest';
import { createIdentity, type PeerStatusFields } from '../../src/protocol/index.js';
import { MemoryBus } from '../../src/network/index.js';
import { LinkRoutes } from '../../src/network/link-routes.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { MeshHarness } from '../../testkit/mesh-harness.js';

describe('LinkRoutes', () => {
  const sets = (torrent: string[], mqtt: string[]) => [
    { name: 'torrent', direct: true, links: () => torrent },
    { name: 'mqtt', direct: true, links: () => mqtt },
    { name: 'broadcast', direct: false, links: () => [] },
  ];
  /** An announcement by `node` heard on each of `links` (`transport:link`) and verified. */
  const hear = (routes: LinkRoutes, key: string, node: string, first: string, ...copies: string[]) => {
    routes.heard(key, first, node);
    for (const link of copies) routes.heard(key, link);
    routes.verified(key, true);
  };

  test('unknown links get every packet; a known node gets it over its first link only', () => {
    const routes = new LinkRoutes(100);
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, undefined, undefined]);
    hear(routes, 'k1', 'X', 'torrent:a', 'mqtt:c');
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, ['d'], undefined]);
    // Copies arriving after the verdict name their links too.
    hear(routes, 'k2', 'Y', 'mqtt:d');
    routes.heard('k2', 'torrent:b');
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, [], undefined]);
    // The torrent link to X gone: X is reached over MQTT.
    routes.linksChanged('torrent', ['b']);
    expect(routes.plan(sets(['b'], ['c', 'd']))).toEqual([undefined, ['c'], undefined]);
  });

  test('an announcement whose signature failed names nothing, nor do its copies', () => {
    const routes = new LinkRoutes(100);
    routes.heard('k', 'torrent:a', 'X');
    routes.heard('k', 'mqtt:c');
    routes.verified('k', false);
    routes.heard('k', 'mqtt:d');
    expect(routes.plan(sets(['a'], ['c', 'd']))).toEqual([undefined, undefined, undefined]);
    // Bytes never heard as an announcement name nothing either.
    routes.heard('other', 'torrent:a');
    expect(routes.plan(sets(['a'], ['c', 'd']))).toEqual([undefined, undefined, undefined]);
  });

  test("a link that carried two nodes' announcements is sent to as unknown", () => {
    const routes = new LinkRoutes(100);
    hear(routes, 'k1', 'X', 'torrent:a', 'mqtt:c');
    hear(routes, 'k2', 'Y', 'torrent:a');
    expect(routes.plan(sets(['a'], ['c']))).toEqual([undefined, undefined, undefined]);
  });

  test('a node named by two links of one transport is sent to on all its links', () => {
    const routes = new LinkRoutes(100);
    hear(routes, 'k1', 'X', 'torrent:a', 'torrent:b', 'mqtt:c');
    hear(routes, 'k2', 'Y', 'mqtt:d');
    expect(routes.plan(sets(['a', 'b'], ['c', 'd']))).toEqual([undefined, undefined, undefined]);
  });

  test('names at most maxLinks links, and follows at most maxAnnouncements announcements', () => {
    const routes = new LinkRoutes(3, 2);
    const links = Array.from({ length: 10 }, (_, i) => `l${i}`);
    for (let i = 0; i < 10; i++) hear(routes, `k${i}`, `N${i}`, `torrent:l${i}`, `mqtt:l${i}`);
    // Only the last three names are kept (mqtt:l8, torrent:l9, mqtt:l9): N9 is reached over torrent
    // alone, N8 over MQTT, and every other link is unnamed.
    expect(routes.plan(sets(links, links))).toEqual([undefined, links.slice(0, 9), undefined]);
    // k0 was forgotten, k9 not: a late copy of k9 names its link, one of k0 does not.
    routes.heard('k0', 'mqtt:x');
    routes.heard('k9', 'mqtt:y');
    expect(routes.plan(sets(['l9'], ['x', 'y']))).toEqual([undefined, ['x'], undefined]);
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
