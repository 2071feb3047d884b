import { describe, expect, test } from 'vitest';
import { copyKey } from '../../src/network/copy-key.js';
import { RecentIds } from '../../src/network/recent-ids.js';
import { SenderRateLimiter } from '../../src/network/rate-limit.js';
import { localRelayUrls, networkTransports, roomOf } from '../../src/network/index.js';
import { restartDelayMs } from '../../src/network/supervised-transport.js';

describe('RecentIds', () => {
  test('forgets ids once they are older than the window', () => {
    const ids = new RecentIds(1_000, 100, 4);
    ids.add('a', 0);
    ids.add('b', 600);
    expect(ids.has('a') && ids.has('b')).toBe(true);
    ids.add('c', 1_300);
    expect(ids.has('a')).toBe(false);
    expect(ids.has('b')).toBe(true);
    ids.add('d', 3_000);
    expect([ids.has('b'), ids.has('c'), ids.has('d')]).toEqual([false, false, true]);
  });

  test('never holds more than its bound', () => {
    const ids = new RecentIds(60_000, 100, 4);
    for (let i = 0; i < 10_000; i++) ids.add(`id-${i}`, 0);
    expect(ids.count).toBeLessThanOrEqual(100);
    expect(ids.has('id-9999')).toBe(true);
    expect(ids.has('id-0')).toBe(false);
  });
});

describe('SenderRateLimiter', () => {
  test('refills at the sustained rate', () => {
    const limiter = new SenderRateLimiter({ burst: 2, perSecond: 1, strikes: 100, banMs: 1_000, maxSenders: 10 });
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual(['ok', 'ok', 'rate-limited']);
    expect(limiter.take('a', 999)).toBe('rate-limited');
    expect(limiter.take('a', 2_000)).toBe('ok');
  });

  test('tracks a bounded number of senders, forgetting the quietest', () => {
    const limiter = new SenderRateLimiter({ burst: 1, perSecond: 0.001, strikes: 100, banMs: 1_000, maxSenders: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    // 'a' was forgotten, so it starts with a full bucket again; 'c' is still remembered as spent.
    expect(limiter.take('a', 1)).toBe('ok');
    expect(limiter.take('c', 1)).toBe('rate-limited');
  });
});

test('restart delays double up to the cap', () => {
  const policy = { baseDelayMs: 500, maxDelayMs: 3_000, peerLossGraceMs: 0 };
  expect([0, 1, 2, 3, 10].map((attempt) => restartDelayMs(attempt, policy))).toEqual([500, 1_000, 2_000, 3_000, 3_000]);
});

test('copy keys tell byte strings apart', () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  expect(copyKey(encode('{"a":1}'))).toBe(copyKey(encode('{"a":1}')));
  const keys = new Set(Array.from({ length: 10_000 }, (_, i) => copyKey(encode(`{"n":${i}}`))));
  expect(keys.size).toBe(10_000);
});

test('a node joins the chosen signaling networks plus BroadcastChannel, loading nothing until opened', () => {
  const transports = networkTransports({ strategies: ['torrent', 'mqtt'], relayUrls: localRelayUrls() });
  expect(transports.map((transport) => transport.name)).toEqual(['torrent', 'mqtt', 'broadcast']);
  expect(localRelayUrls('10.0.0.2')).toEqual({ torrent: ['ws://10.0.0.2:8787'], mqtt: ['ws://10.0.0.2:8788'], nostr: ['ws://10.0.0.2:8789'] });
  expect(roomOf()).toEqual({ appId: 'rakis-elements', roomId: 'rakis1' });
});
