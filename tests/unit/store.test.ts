import { describe, expect, test } from 'vitest';
import { createIdentity, exportIdentity } from '../../src/protocol/index.js';
import { createIdbStore, createMemoryStore, SCHEMA_VERSION, StoreError } from '../../src/store/index.js';
import { toStoreError } from '../../src/store/errors.js';
import { openSealedIdentity, PBKDF2_ITERATIONS, sealIdentity } from '../../src/store/identity-vault.js';
import { kvStore, resolveLimits } from '../../src/store/kv-store.js';
import { memoryKv } from '../../src/store/memory-kv.js';
import { CHUNK_SIZE } from '../../src/store/packet-log.js';
import { migrate } from '../../src/store/schema.js';
import { packets, rejectsWith, result, storeScenarios } from '../support/store-behaviour.js';

describe('memory store: the shared behaviour', () => {
  for (const scenario of storeScenarios) {
    test(scenario.name, () => scenario.run(async (limits) => createMemoryStore(limits)));
  }
});

describe('memory store: storage layout', () => {
  test('the packet log stays within limit + one chunk however much is appended', async () => {
    const entries = new Map<string, unknown>();
    const store = kvStore(memoryKv(entries), 'memory', resolveLimits({ packetLogLimit: 100 }));
    for (let batch = 0; batch < 200; batch++) await store.appendPackets(packets(batch * 13, 13));
    const stored = [...entries].filter(([key]) => key.startsWith('packets/chunk/'));
    const count = stored.reduce((sum, [, chunk]) => sum + (chunk as unknown[]).length, 0);
    expect(count).toBeLessThan(100 + CHUNK_SIZE);
    expect(await store.recentPackets(100)).toEqual(packets(200 * 13 - 100, 100));
  });

  test('lowering the limit between opens drops the surplus at the next append', async () => {
    const entries = new Map<string, unknown>();
    await kvStore(memoryKv(entries), 'memory', resolveLimits({ packetLogLimit: 1_000 })).appendPackets(packets(0, 1_000));
    const smaller = kvStore(memoryKv(entries), 'memory', resolveLimits({ packetLogLimit: 50 }));
    expect(await smaller.recentPackets(1_000)).toEqual(packets(950, 50));
    await smaller.appendPackets(packets(1_000, 1));
    expect([...entries.keys()].filter((key) => key.startsWith('packets/chunk/')).length).toBeLessThanOrEqual(2);
    expect(await smaller.recentPackets(1_000)).toEqual(packets(951, 50));
  });

  test('a password-protected identity is never stored in plain text', async () => {
    const entries = new Map<string, unknown>();
    const store = kvStore(memoryKv(entries), 'memory', resolveLimits({}));
    const identity = exportIdentity(createIdentity());
    await store.saveIdentity(identity, 'pw');
    const raw = JSON.stringify([...entries]);
    expect(raw).not.toContain(identity.secretKey);
    expect(raw).toContain(identity.synthientId);
    expect(raw).toContain(`"iterations":${PBKDF2_ITERATIONS}`);
  });

  test('limits must be positive integers', () => {
    expect(() => createMemoryStore({ packetLogLimit: 0 })).toThrow(RangeError);
    expect(() => createMemoryStore({ resultLimit: 1.5 })).toThrow(RangeError);
  });
});

describe('identity vault', () => {
  test('each seal uses a fresh salt and IV; a tampered record does not open', async () => {
    const identity = exportIdentity(createIdentity());
    const [a, b] = await Promise.all([sealIdentity(identity, 'pw'), sealIdentity(identity, 'pw')]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(200_000);
    // The synthientId is bound as associated data: swapping it breaks the seal.
    const other = exportIdentity(createIdentity()).synthientId;
    await rejectsWith('wrong-password', () => openSealedIdentity({ ...a, synthientId: other }, 'pw'));
    await rejectsWith('corrupt', () => openSealedIdentity({ ...a, iterations: 1e12 }, 'pw'));
    await rejectsWith('corrupt', () => openSealedIdentity({ ...a, iv: 'zz' }, 'pw'));
  });

  test('passwords are compared after Unicode normalization', async () => {
    const identity = exportIdentity(createIdentity());
    const sealed = await sealIdentity(identity, 'caf\u00e9');
    expect(await openSealedIdentity(sealed, 'cafe\u0301')).toEqual(identity);
  });
});

describe('schema migrations', () => {
  test('an unversioned v0 store is migrated to the current layout, in place', async () => {
    const identity = exportIdentity(createIdentity());
    const oldResults = [result('a', 5), result('b', 9), result('c', 1)];
    const entries = new Map<string, unknown>([
      ['identity', identity],
      ['settings', { theme: 'dark' }],
      ['packets', packets(0, 150)],
      ['results', oldResults],
    ]);
    const limits = resolveLimits({ packetLogLimit: 100, resultLimit: 2 });
    await migrate(memoryKv(entries), limits);
    expect(entries.get('schema')).toBe(SCHEMA_VERSION);
    expect(entries.has('packets')).toBe(false);
    expect(entries.has('results')).toBe(false);
    const store = kvStore(memoryKv(entries), 'memory', limits);
    expect(await store.identityState()).toBe('plain');
    expect(await store.loadIdentity()).toEqual(identity);
    expect(await store.loadSettings()).toEqual({ theme: 'dark' });
    expect(await store.recentPackets(1_000)).toEqual(packets(50, 100));
    expect((await store.loadResults()).map((stored) => stored.requestId)).toEqual(['b', 'a']);
    // Migrating again is a no-op.
    const before = JSON.stringify([...entries]);
    await migrate(memoryKv(entries), limits);
    expect(JSON.stringify([...entries])).toBe(before);
  });

  test('a store written by a newer version is refused and left untouched', async () => {
    const entries = new Map<string, unknown>([
      ['schema', SCHEMA_VERSION + 1],
      ['identity', { kind: 'quantum' }],
    ]);
    await rejectsWith('corrupt', () => migrate(memoryKv(entries), resolveLimits({})));
    expect([...entries]).toEqual([
      ['schema', SCHEMA_VERSION + 1],
      ['identity', { kind: 'quantum' }],
    ]);
    await rejectsWith('corrupt', () => migrate(memoryKv(new Map([['schema', 'one']])), resolveLimits({})));
  });

  test('a failed migration applies nothing', async () => {
    const entries = new Map<string, unknown>([
      ['packets', packets(0, 10)],
      ['identity', 'not an identity'],
    ]);
    await rejectsWith('corrupt', () => migrate(memoryKv(entries), resolveLimits({})));
    expect([...entries.keys()]).toEqual(['packets', 'identity']);
  });
});

describe('errors', () => {
  test('backend failures map to store codes', () => {
    expect(toStoreError(new DOMException('full', 'QuotaExceededError')).code).toBe('quota-exceeded');
    expect(toStoreError(new DOMException('nope', 'DataCloneError')).code).toBe('corrupt');
    expect(toStoreError(new DOMException('closing', 'InvalidStateError')).code).toBe('unavailable');
    expect(toStoreError(new TypeError('x is undefined')).code).toBe('corrupt');
    const original = new StoreError('locked', 'locked');
    expect(toStoreError(original)).toBe(original);
  });

  test('without IndexedDB (Node) the IndexedDB store reports unavailable, so a node can fall back', async () => {
    await rejectsWith('unavailable', () => createIdbStore({ namespace: 'n' }));
  });
});
