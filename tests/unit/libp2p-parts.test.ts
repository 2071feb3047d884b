import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { DISCOVERY_TOPIC, KnownPages, encodeAnnouncement, packetTopic, parseAnnouncement, relayMultiaddr } from '../../src/network/libp2p-discovery.js';
import { networkTransports } from '../../src/network/index.js';
import { parseNodeAttributes, RakisError } from '../../src/node/index.js';
import { LIBP2P_DISCOVERY_TOPIC } from '../../tools/relay/libp2p-relay.js';
import { libp2pWebrtcPatch } from '../../tools/libp2p-webrtc-patch.js';

const ME = '12D3KooWK6GL2VRZbNG3YVH16NdbozrA1HPjQutmvoqUDirjFVYt';
const OTHER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN';
const RELAYED = `/ip4/127.0.0.1/tcp/8789/ws/p2p/${OTHER}/p2p-circuit/webrtc/p2p/${ME}`;
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('libp2p discovery', () => {
  test('an announcement round-trips for its network and signer', () => {
    expect(parseAnnouncement(encodeAnnouncement({ network: 'blog', addresses: [RELAYED] }), ME, 'blog')).toEqual([RELAYED]);
    expect(packetTopic('blog')).not.toBe(packetTopic('rakis1'));
  });

  test.each([
    ['another network', bytes({ n: 'other', a: [RELAYED] }), ME],
    ['an address of another peer', bytes({ n: 'blog', a: [RELAYED] }), OTHER],
    ['an address that is not WebRTC through a relay', bytes({ n: 'blog', a: [`/ip4/10.0.0.1/tcp/1/ws/p2p/${ME}`] }), ME],
    ['a mix of good and bad addresses', bytes({ n: 'blog', a: [RELAYED, 'x'] }), ME],
    ['too many addresses', bytes({ n: 'blog', a: Array(9).fill(RELAYED) }), ME],
    ['no addresses', bytes({ n: 'blog', a: [] }), ME],
    ['an oversized message', bytes({ n: 'blog', a: [RELAYED], pad: 'x'.repeat(5000) }), ME],
    ['not JSON', new TextEncoder().encode('{'), ME],
    ['not an object', bytes(42), ME],
  ])('refuses %s', (_, data, from) => {
    expect(parseAnnouncement(data, from, 'blog')).toBeUndefined();
  });

  test('known pages are bounded and expire', () => {
    const known = new KnownPages(2, 1_000);
    known.heard('a', ['x'], 0);
    known.heard('b', ['y'], 500);
    known.heard('c', ['z'], 600);
    expect(known.current(700).map(([id]) => id)).toEqual(['b', 'c']);
    expect(known.current(1_550).map(([id]) => id)).toEqual(['c']);
    known.forget('c');
    expect(known.current(1_550)).toEqual([]);
  });

  test('the relay node follows the topic pages announce on', () => {
    expect(LIBP2P_DISCOVERY_TOPIC).toBe(DISCOVERY_TOPIC);
  });

  test('relay URLs become the multiaddrs libp2p dials', () => {
    expect(relayMultiaddr('ws://127.0.0.1:8789')).toBe('/ip4/127.0.0.1/tcp/8789/ws');
    expect(relayMultiaddr('wss://relay.example')).toBe('/dns/relay.example/tcp/443/wss');
    expect(relayMultiaddr('ws://[::1]:9000')).toBe('/ip6/::1/tcp/9000/ws');
    expect(() => relayMultiaddr('https://relay.example')).toThrow(/ws: or wss:/);
  });
});

describe('choosing the libp2p transport', () => {
  test('transports="libp2p" with a libp2p relay joins it (and nothing trystero)', () => {
    const parsed = parseNodeAttributes({ transports: 'libp2p', relays: 'libp2p=ws://127.0.0.1:8789' });
    expect(parsed.relays).toEqual({ strategies: [], relayUrls: {}, libp2p: { relayUrls: ['ws://127.0.0.1:8789'] }, broadcastChannel: false });
    expect(networkTransports({ network: 'blog', ...parsed.relays }).map((factory) => factory.name)).toEqual(['libp2p']);
    // A libp2p relay alone chooses libp2p, beside the page's other tabs.
    expect(parseNodeAttributes({ relays: 'libp2p=wss://relay.example' }).relays).toMatchObject({ strategies: [], libp2p: { relayUrls: ['wss://relay.example'] }, broadcastChannel: true });
    // Other relays given too: libp2p joins them.
    expect(parseNodeAttributes({ relays: 'torrent=ws://127.0.0.1:8787 libp2p=ws://127.0.0.1:8789' }).relays).toMatchObject({ strategies: ['torrent'], libp2p: {} });
  });

  test.each([
    [{ transports: 'libp2p' }, /libp2p transport needs a relay node/],
    [{ relays: 'libp2p=https://relay.example' }, /must be a ws: or wss: URL/],
  ])('refuses %o with a reason', (attributes, message) => {
    expect(() => parseNodeAttributes(attributes)).toThrow(RakisError);
    expect(() => parseNodeAttributes(attributes)).toThrow(message);
  });
});

describe('the @libp2p/webrtc init-channel fix', () => {
  const file = createRequire(import.meta.url).resolve('@libp2p/webrtc').replace(/index\.js$/, 'private-to-private/initiate-connection.js');
  const transform = (code: string, id: string) => {
    const errors: string[] = [];
    const hook = libp2pWebrtcPatch().transform as (this: unknown, code: string, id: string) => { code: string } | null;
    try {
      return hook.call({ error: (message: string) => { errors.push(message); throw new Error(message); } }, code, id);
    } catch {
      return errors;
    }
  };

  test('waits for the init channel to open or close, and closes it only if still open', async () => {
    const patched = transform(await readFile(file, 'utf8'), file) as { code: string };
    expect(patched.code).toContain("await pEvent(channel, ['open', 'close'], { signal });");
    expect(patched.code).not.toContain("await pEvent(channel, 'open',");
    expect(patched.code).toMatch(/if \(channel\.readyState !== 'closed'\) \{\s*const closed = pEvent\(channel, 'close', \{ signal \}\);\s*channel\.close\(\);/);
  });

  test('fails the build when the code it fixes changed, and leaves other modules alone', () => {
    expect(transform('export {}', file)).toEqual([expect.stringMatching(/not where expected/)]);
    expect(transform('export {}', '/x/node_modules/@libp2p/webrtc/dist/src/index.js')).toBeNull();
  });
});
