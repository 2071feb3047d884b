// The NodeStore behaviour both stores must show, written without vitest or Node APIs so the same
// scenarios run in Node against the memory store and in Chromium against the IndexedDB store.
import { createIdentity, exportIdentity } from '../../src/protocol/index.js';
import { StoreError, type NodeStore, type PacketLogEntry, type StoreErrorCode, type StoreLimits, type StoredResult } from '../../src/store/index.js';

export type OpenStore = (limits?: StoreLimits) => Promise<NodeStore>;

export interface StoreScenario {
  name: string;
  run(open: OpenStore): Promise<void>;
}

export const storeScenarios: StoreScenario[] = [
  {
    name: 'a fresh store is empty',
    async run(open) {
      const store = await open();
      same(await store.identityState(), 'none');
      same(await store.loadIdentity(), undefined);
      same(await store.loadSettings(), undefined);
      same(await store.recentPackets(10), []);
      same(await store.loadQuorums(), []);
      same(await store.loadResults(), []);
    },
  },
  {
    name: 'a plain identity round-trips',
    async run(open) {
      const store = await open();
      const identity = exportIdentity(createIdentity());
      await store.saveIdentity(identity);
      same(await store.identityState(), 'plain');
      same(await store.loadIdentity(), identity);
      // A password given for a plain identity is not needed and does not get in the way.
      same(await store.loadIdentity('unused'), identity);
    },
  },
  {
    name: 'an encrypted identity opens only with its password',
    async run(open) {
      const store = await open();
      const identity = exportIdentity(createIdentity());
      await store.saveIdentity(identity, 'correct horse');
      same(await store.identityState(), 'encrypted');
      await rejectsWith('locked', () => store.loadIdentity());
      await rejectsWith('wrong-password', () => store.loadIdentity('battery staple'));
      same(await store.loadIdentity('correct horse'), identity);
      // Saving again without a password replaces the sealed identity with a plain one.
      await store.saveIdentity(identity);
      same(await store.identityState(), 'plain');
    },
  },
  {
    name: 'an invalid identity is refused, not stored',
    async run(open) {
      const store = await open();
      const identity = exportIdentity(createIdentity());
      const other = exportIdentity(createIdentity());
      await rejectsWith('corrupt', () => store.saveIdentity({ ...identity, synthientId: other.synthientId }));
      await rejectsWith('corrupt', () => store.saveIdentity({ ...identity, secretKey: 'zz' }, 'pw'));
      same(await store.identityState(), 'none');
    },
  },
  {
    name: 'settings round-trip as copies',
    async run(open) {
      const store = await open();
      const settings = { models: ['a', 'b'], contribute: true, nested: { n: 1 } };
      await store.saveSettings(settings);
      settings.models.push('mutated after save');
      const loaded = await store.loadSettings();
      same(loaded, { models: ['a', 'b'], contribute: true, nested: { n: 1 } });
      await rejectsWith('corrupt', () => store.saveSettings({ callback: () => 1 }));
      same(await store.loadSettings(), loaded);
    },
  },
  {
    name: 'the packet log keeps the newest entries up to its limit, in receipt order',
    async run(open) {
      const store = await open({ packetLogLimit: 100 });
      const all = packets(0, 259);
      for (let at = 0; at < all.length; at += 7) await store.appendPackets(all.slice(at, at + 7));
      same(await store.recentPackets(1_000), all.slice(-100));
      same(await store.recentPackets(5), all.slice(-5));
      same(await store.recentPackets(0), []);
      same(await store.recentPackets(Number.NaN), []);
      // One batch bigger than the whole log.
      const burst = packets(1_000, 250);
      await store.appendPackets(burst);
      same(await store.recentPackets(1_000), burst.slice(-100));
    },
  },
  {
    name: 'concurrent appends lose nothing',
    async run(open) {
      const store = await open({ packetLogLimit: 1_000 });
      const batches = Array.from({ length: 10 }, (_, batch) => packets(batch * 30, 30));
      await Promise.all(batches.map((batch) => store.appendPackets(batch)));
      const stored = await store.recentPackets(1_000);
      same(stored.length, 300);
      same(new Set(stored.map((entry) => entry.wire)).size, 300);
    },
  },
  {
    name: 'results keep the newest by settledAt, newest first, one per request',
    async run(open) {
      const store = await open({ resultLimit: 5 });
      for (const settledAt of [30, 10, 80, 50, 20, 70, 60, 40]) await store.saveResult(result(`r${settledAt}`, settledAt));
      same(ids(await store.loadResults()), ['r80', 'r70', 'r60', 'r50', 'r40']);
      // Re-saving a request replaces its result.
      await store.saveResult({ ...result('r50', 90), outcome: 'failed', reason: 'no quorum' });
      same(ids(await store.loadResults()), ['r50', 'r80', 'r70', 'r60', 'r40']);
      // Older than everything kept: not kept.
      await store.saveResult(result('ancient', 1));
      same(ids(await store.loadResults()), ['r50', 'r80', 'r70', 'r60', 'r40']);
      same((await store.loadResults())[0]?.reason, 'no quorum');
    },
  },
  {
    name: 'open quorums are saved, replaced and deleted by requestId',
    async run(open) {
      const store = await open();
      const quorum = (requestId: string, updatedAt: number) => ({
        requestId,
        packets: packets(updatedAt, 3),
        ownReveal: { inferenceId: 'ab', output: '6869', bEmbedding: 'ff00', salt: '01' },
        updatedAt,
      });
      await store.saveQuorum(quorum('q1', 3));
      await store.saveQuorum(quorum('q2', 1));
      await store.saveQuorum(quorum('q3', 2));
      await store.saveQuorum(quorum('q1', 4));
      await store.deleteQuorum('q3');
      await store.deleteQuorum('never-saved');
      same(await store.loadQuorums(), [quorum('q2', 1), quorum('q1', 4)]);
    },
  },
  {
    name: 'clear forgets everything and the store stays usable',
    async run(open) {
      const store = await open({ packetLogLimit: 10 });
      await store.saveIdentity(exportIdentity(createIdentity()), 'pw');
      await store.saveSettings({ a: 1 });
      await store.appendPackets(packets(0, 25));
      await store.saveQuorum({ requestId: 'q', packets: [], updatedAt: 1 });
      await store.saveResult(result('r', 1));
      await store.clear();
      same(await store.identityState(), 'none');
      same(await store.loadSettings(), undefined);
      same(await store.recentPackets(100), []);
      same(await store.loadQuorums(), []);
      same(await store.loadResults(), []);
      await store.appendPackets(packets(100, 3));
      same(await store.recentPackets(100), packets(100, 3));
    },
  },
];

export function packets(from: number, count: number): PacketLogEntry[] {
  return Array.from({ length: count }, (_, index) => ({ wire: `{"n":${from + index}}`, receivedAt: from + index }));
}

export function result(requestId: string, settledAt: number): StoredResult {
  return { requestId, prompt: `prompt of ${requestId}`, mine: true, outcome: 'decided', output: 'an answer', attestations: 3, settledAt };
}

const ids = (results: StoredResult[]) => results.map((stored) => stored.requestId);

/** Deep equality by canonical JSON (key order ignored; undefined compared as itself). */
export function same(actual: unknown, expected: unknown): void {
  if (canonical(actual) !== canonical(expected)) {
    throw new Error(`expected ${canonical(expected)}, got ${canonical(actual)}`);
  }
}

export async function rejectsWith(code: StoreErrorCode, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (error instanceof StoreError && error.code === code) return;
    throw new Error(`expected StoreError(${code}), got ${String(error)}`);
  }
  throw new Error(`expected StoreError(${code}), but it resolved`);
}

function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
}
