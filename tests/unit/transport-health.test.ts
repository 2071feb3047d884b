import { describe, expect, test, vi } from 'vitest';
import { Mesh, trysteroTransport, type RelayStatus } from '../../src/network/index.js';
import { RelayWatch } from '../../src/network/relay-watch.js';
import { RakisNode, type NodeStatus } from '../../src/node/index.js';
import { createIdentity } from '../../src/protocol/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { rawTransport } from '../../testkit/raw-transport.js';

// A fake trystero strategy: sockets the test opens and closes, and the callbacks joinRoom was given.
const fake = vi.hoisted(() => ({
  sockets: {} as Record<string, { readyState: number }>,
  joinError: undefined as ((details: { error: string; peerId: string; appId: string; roomId: string }) => void) | undefined,
}));
vi.mock('@trystero-p2p/torrent', () => ({
  defaultRelayUrls: ['wss://public.example'],
  getRelaySockets: () => fake.sockets,
  // The real module's reconnection switch (src/network/relay-retry.ts holds it).
  pauseRelayReconnection: () => undefined,
  resumeRelayReconnection: () => undefined,
  joinRoom: (_config: unknown, _roomId: string, callbacks: { onJoinError: typeof fake.joinError }) => {
    fake.joinError = callbacks.onJoinError;
    return { makeAction: () => ({}), getPeers: () => ({}), leave: async () => {} };
  },
}));

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const relay = (open: boolean): RelayStatus => ({ url: 'ws://127.0.0.1:1', open });

describe('relay watch', () => {
  test('live while a relay answers; connecting, then down with a reason, once none has for the timeout; live again when one answers', () => {
    const watch = new RelayWatch(0, 10_000);
    expect(watch.observe([relay(false)], 0)).toEqual({ state: 'connecting' });
    expect(watch.observe([relay(false)], 9_999)).toEqual({ state: 'connecting' });
    expect(watch.observe([relay(false)], 10_000)).toEqual({ state: 'down', reason: 'relay unreachable' });
    expect(watch.observe([relay(false), relay(true)], 12_000)).toEqual({ state: 'live' });
    // The timeout runs from the last moment a relay was seen answering.
    expect(watch.observe([relay(false), relay(false)], 13_000)).toEqual({ state: 'connecting' });
    expect(watch.observe([relay(false), relay(false)], 22_000)).toEqual({ state: 'down', reason: 'none of 2 relays reachable' });
  });

  test('a transport that needs no relay is live', () => {
    expect(new RelayWatch(0, 10_000).observe([], 60_000)).toEqual({ state: 'live' });
  });
});

describe('transport health in the mesh', () => {
  test('an open transport whose relay never answers reads connecting, then down; live once the relay answers, and down again after it goes', async () => {
    const clock = new ManualClock();
    let open = false;
    const relayed = rawTransport('torrent', () => [relay(open)]);
    const direct = rawTransport('broadcast');
    const mesh = new Mesh({ identity: createIdentity(), transports: [relayed.factory, direct.factory], scheduler: clock, limits: { restart: { relayTimeoutMs: 5_000 } } });
    mesh.start();
    await settle();
    const health = (name: string) => mesh.health().find((h) => h.transport === name)!;
    expect(health('torrent')).toMatchObject({ state: 'connecting', reason: undefined });
    expect(health('broadcast')).toMatchObject({ state: 'live' });
    clock.advance(5_000);
    expect(health('torrent')).toMatchObject({ state: 'down', reason: 'relay unreachable', relays: [{ open: false }] });
    open = true;
    expect(health('torrent')).toMatchObject({ state: 'live', reason: undefined });
    // Lost between two reads of the health: the mesh's own sweep notices when.
    clock.advance(1_000);
    open = false;
    clock.advance(4_000);
    expect(health('torrent')).toMatchObject({ state: 'connecting' });
    clock.advance(2_000);
    expect(health('torrent')).toMatchObject({ state: 'down', reason: 'relay unreachable' });
    await mesh.close();
  });

  test('failed handshakes are counted with the last error, across a restart of the transport', async () => {
    const clock = new ManualClock();
    const relayed = rawTransport('mqtt', () => [relay(true)]);
    const mesh = new Mesh({ identity: createIdentity(), transports: [relayed.factory], scheduler: clock });
    mesh.start();
    await settle();
    relayed.current()!.onHandshakeError!('handshake timed out');
    relayed.current()!.onError!('broken');
    clock.advance(1_000);
    await settle();
    relayed.current()!.onHandshakeError!('could not connect to peer after exchanging SDP');
    expect(mesh.health()[0]).toMatchObject({ state: 'live', restarts: 1, handshakeFailures: 2, lastHandshakeError: 'could not connect to peer after exchanging SDP' });
    await mesh.close();
  });

  test('the node emits a status when a transport goes down and when it comes back', async () => {
    const clock = new ManualClock();
    let open = false;
    const relayed = rawTransport('torrent', () => [relay(open)]);
    const node = await RakisNode.create({ transports: [relayed.factory], scheduler: clock, mesh: { limits: { restart: { relayTimeoutMs: 5_000 } } } });
    const seen: NodeStatus['transports'][number]['state'][] = [];
    node.on('status', (status) => seen.push(status.transports[0]!.state));
    await node.start();
    await settle();
    clock.advance(6_000);
    open = true;
    clock.advance(1_000);
    expect(seen.filter((state, i) => state !== seen[i - 1])).toEqual(['connecting', 'down', 'live']);
    await node.stop();
  });
});

describe('trystero transport', () => {
  test('reports its relays from the strategy\'s sockets and counts failed handshakes from onJoinError', async () => {
    const clock = new ManualClock();
    const url = 'ws://127.0.0.1:9';
    fake.sockets = { [url]: { readyState: 0 }, 'ws://other-room-relay': { readyState: 1 } };
    const mesh = new Mesh({ identity: createIdentity(), transports: [trysteroTransport({ strategy: 'torrent', relayUrls: [url] })], scheduler: clock });
    mesh.start();
    await vi.waitFor(() => expect(mesh.health()[0]!.relays).toEqual([{ url, open: false }]));
    expect(mesh.health()[0]!.state).toBe('connecting');
    clock.advance(10_000);
    expect(mesh.health()[0]).toMatchObject({ state: 'down', reason: 'relay unreachable' });
    fake.sockets[url] = { readyState: 1 };
    fake.joinError!({ error: 'handshake timed out', peerId: 'p', appId: 'a', roomId: 'r' });
    expect(mesh.health()[0]).toMatchObject({ state: 'live', relays: [{ url, open: true }], handshakeFailures: 1, lastHandshakeError: 'handshake timed out' });
    await mesh.close();
  });
});
