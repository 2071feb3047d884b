import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newContext } from '../../testkit/chromium.js';
import { buildAndServeFixture, type FixtureServer } from '../../testkit/fixture-server.js';
import { callInPage } from '../../testkit/page-call.js';
import { waitFor } from '../../testkit/wait-for.js';
import type { StorePageApi } from './store/store-page-api.js';
import { storeScenarios } from '../support/store-behaviour.js';

// The IndexedDB store in real Chromium: the shared behaviour scenarios, then what only a browser
// shows (reloads, namespaces on one origin, old layouts on disk, a real quota error).

let fixture: FixtureServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  fixture = await buildAndServeFixture(fileURLToPath(new URL('./store/', import.meta.url)), ['store-page.html']);
  browser = await launchChromium();
  context = await newContext(browser);
  page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await load(page);
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

async function load(target: Page, reload = false): Promise<void> {
  if (reload) await target.reload();
  else await target.goto(`${fixture.origin}/store-page.html`);
  await waitFor('the store page', () => target.evaluate(() => window.rakisStore !== undefined), 15_000, 50);
}

/** Runs `call` against the page's window.rakisStore (shipped as source: evaluate cannot carry closures). */
function run<R, A = undefined>(call: (api: StorePageApi, arg: A) => R | Promise<R>, arg?: A, on: Page = page): Promise<R> {
  return callInPage(on, 'rakisStore', call, arg);
}

describe('IndexedDB store: the shared behaviour', () => {
  for (const { name } of storeScenarios) {
    test(name, async () => {
      expect(await run((api, scenario) => api.runScenario(scenario), name)).toBeUndefined();
    });
  }
});

describe('IndexedDB store in Chromium', () => {
  test('identity (plain and encrypted), settings, quorums and results survive a reload', async () => {
    const saved = await run(async (api) => {
      const plain = await api.createIdbStore({ namespace: 'reload-plain' });
      const sealed = await api.createIdbStore({ namespace: 'reload-sealed' });
      const plainIdentity = api.newIdentity();
      const sealedIdentity = api.newIdentity();
      await plain.saveIdentity(plainIdentity);
      await sealed.saveIdentity(sealedIdentity, 'hunter2 but longer');
      await plain.saveSettings({ models: ['m'] });
      await plain.saveQuorum({ requestId: 'open-request', packets: [{ wire: '{}', receivedAt: 1 }], updatedAt: 1 });
      await plain.saveResult({ requestId: 'done', prompt: 'p', mine: true, outcome: 'decided', output: 'o', settledAt: 2 });
      return { plain: plainIdentity, sealed: sealedIdentity };
    });
    await load(page, true);
    const after = await run(async (api) => {
      const plain = await api.createIdbStore({ namespace: 'reload-plain' });
      const sealed = await api.createIdbStore({ namespace: 'reload-sealed' });
      return {
        plainState: await plain.identityState(),
        plain: await plain.loadIdentity(),
        settings: await plain.loadSettings(),
        quorums: (await plain.loadQuorums()).map((quorum) => quorum.requestId),
        results: (await plain.loadResults()).map((result) => result.requestId),
        sealedState: await sealed.identityState(),
        sealed: await api.attempt(() => sealed.loadIdentity('hunter2 but longer')),
        wrong: await api.attempt(() => sealed.loadIdentity('hunter3 but longer')),
        locked: await api.attempt(() => sealed.loadIdentity()),
        raw: JSON.stringify(await api.readRaw('reload-sealed')),
      };
    });
    expect(after.plainState).toBe('plain');
    expect(after.plain).toEqual(saved.plain);
    expect(after.settings).toEqual({ models: ['m'] });
    expect(after.quorums).toEqual(['open-request']);
    expect(after.results).toEqual(['done']);
    expect(after.sealedState).toBe('encrypted');
    expect(after.sealed).toEqual({ ok: true, value: saved.sealed });
    expect(after.wrong).toMatchObject({ ok: false, code: 'wrong-password' });
    expect(after.locked).toMatchObject({ ok: false, code: 'locked' });
    // What IndexedDB holds for the sealed identity: its public id, never its secret key.
    expect(after.raw).toContain(saved.sealed.synthientId);
    expect(after.raw).not.toContain(saved.sealed.secretKey);
  });

  test('the packet log stays bounded on disk across many appends and a reload', async () => {
    const first = await run(async (api) => {
      const store = await api.createIdbStore({ namespace: 'bounded-log', packetLogLimit: 500 });
      for (let batch = 0; batch < 120; batch++) {
        await store.appendPackets(Array.from({ length: 25 }, (_, i) => ({ wire: `{"n":${batch * 25 + i}}`, receivedAt: batch })));
      }
      return (await store.recentPackets(10_000)).map((entry) => entry.wire);
    });
    expect(first).toEqual(Array.from({ length: 500 }, (_, i) => `{"n":${2_500 + i}}`));
    await load(page, true);
    const after = await run(async (api) => {
      const store = await api.createIdbStore({ namespace: 'bounded-log', packetLogLimit: 500 });
      const raw = await api.readRaw('bounded-log');
      return {
        recent: (await store.recentPackets(3)).map((entry) => entry.wire),
        storedEntries: raw.filter(([key]) => key.startsWith('packets/chunk/')).reduce((sum, [, chunk]) => sum + (chunk as unknown[]).length, 0),
      };
    });
    expect(after.recent).toEqual(['{"n":2997}', '{"n":2998}', '{"n":2999}']);
    // Of 3,000 appended: at most the limit plus one partly superseded chunk of 64.
    expect(after.storedEntries).toBeGreaterThanOrEqual(500);
    expect(after.storedEntries).toBeLessThan(500 + 64);
  });

  test('namespaces on one origin are isolated', async () => {
    const seen = await run(async (api) => {
      const a = await api.createIdbStore({ namespace: 'node-a' });
      const b = await api.createIdbStore({ namespace: 'node-b' });
      const idA = api.newIdentity();
      const idB = api.newIdentity();
      await a.saveIdentity(idA);
      await b.saveIdentity(idB);
      await a.appendPackets([{ wire: 'a', receivedAt: 1 }]);
      await b.saveQuorum({ requestId: 'b-only', packets: [], updatedAt: 1 });
      await a.clear();
      return {
        a: { identity: await a.loadIdentity(), packets: await a.recentPackets(10), quorums: await a.loadQuorums() },
        b: { identity: (await b.loadIdentity())?.synthientId, packets: await b.recentPackets(10), quorums: (await b.loadQuorums()).length },
        idB: idB.synthientId,
      };
    });
    expect(seen.a).toEqual({ packets: [], quorums: [] });
    expect(seen.b).toEqual({ identity: seen.idB, packets: [], quorums: 1 });
  });

  test('an unversioned (v0) layout on disk is migrated; a newer schema is refused untouched', async () => {
    const seen = await run(async (api) => {
      const identity = api.newIdentity();
      await api.writeRaw('legacy', [
        ['identity', identity],
        ['settings', { theme: 'dark' }],
        ['packets', Array.from({ length: 30 }, (_, i) => ({ wire: `{"n":${i}}`, receivedAt: i }))],
        ['results', [1, 3, 2].map((n) => ({ requestId: `r${n}`, prompt: 'p', mine: false, outcome: 'decided', settledAt: n }))],
      ]);
      const store = await api.createIdbStore({ namespace: 'legacy', packetLogLimit: 20 });
      const raw = new Map(await api.readRaw('legacy'));
      await api.writeRaw('from-the-future', [['schema', 99], ['identity', { kind: 'quantum' }]]);
      const future = await api.attempt(() => api.createIdbStore({ namespace: 'from-the-future' }));
      return {
        identity: (await store.loadIdentity())?.synthientId === identity.synthientId,
        settings: await store.loadSettings(),
        packets: (await store.recentPackets(100)).map((entry) => entry.wire),
        results: (await store.loadResults()).map((result) => result.requestId),
        schema: raw.get('schema'),
        oldKeysGone: !raw.has('packets') && !raw.has('results'),
        future: future.ok ? 'opened' : future.code,
        futureRaw: await api.readRaw('from-the-future'),
      };
    });
    expect(seen).toEqual({
      identity: true,
      settings: { theme: 'dark' },
      packets: Array.from({ length: 20 }, (_, i) => `{"n":${10 + i}}`),
      results: ['r3', 'r2', 'r1'],
      schema: 1,
      oldKeysGone: true,
      future: 'corrupt',
      futureRaw: [
        ['identity', { kind: 'quantum' }],
        ['schema', 99],
      ],
    });
  });

  test("a real QuotaExceededError from IndexedDB surfaces as StoreError('quota-exceeded')", async () => {
    // Chromium's own quota, lowered through DevTools for a fresh profile before its first IndexedDB
    // use (Chromium reads the quota when the origin's storage opens), so IndexedDB itself refuses.
    const quotaContext = await newContext(browser);
    const quotaPage = await quotaContext.newPage();
    await load(quotaPage);
    const cdp = await quotaContext.newCDPSession(quotaPage);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: fixture.origin, quotaSize: 1024 * 1024 });
    const seen = await run(
      async (api) => {
        const store = await api.createIdbStore({ namespace: 'quota' });
        // Random, so Chromium's compression of IndexedDB values cannot shrink it below the quota.
        const random = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(3_072))));
        let failure: { code: string | undefined; message: string } | undefined;
        let appends = 0;
        while (!failure && appends < 100) {
          const batch = Array.from({ length: 64 }, () => ({ wire: random(), receivedAt: appends }));
          const attempt = await api.attempt(() => store.appendPackets(batch));
          if (attempt.ok) appends++;
          else failure = attempt;
        }
        return { failure, appends, kept: (await store.recentPackets(10_000)).length };
      },
      undefined,
      quotaPage,
    );
    await quotaContext.close();
    expect(seen.failure).toEqual({ ok: false, code: 'quota-exceeded', message: expect.stringContaining('QuotaExceededError') });
    // The failed append applied nothing; everything before it is still there.
    expect(seen.kept).toBe(seen.appends * 64);
  });

  test("where IndexedDB is forbidden (a sandboxed frame's opaque origin) the store reports 'unavailable'", async () => {
    const sandboxContext = await newContext(browser);
    // An opaque origin fetches even its own module scripts cross-origin: let them through.
    await sandboxContext.route(`${fixture.origin}/**`, async (route) => {
      if (route.request().url().endsWith('/sandbox-host.html')) {
        return route.fulfill({ contentType: 'text/html', body: '<iframe sandbox="allow-scripts" src="./store-page.html"></iframe>' });
      }
      const response = await route.fetch();
      return route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': '*' } });
    });
    const host = await sandboxContext.newPage();
    await host.goto(`${fixture.origin}/sandbox-host.html`);
    const frame = await waitFor('the sandboxed store page', async () => host.frames().find((candidate) => candidate.url().endsWith('/store-page.html')));
    await waitFor('its store api', () => frame.evaluate(() => window.rakisStore !== undefined), 15_000, 50);
    const seen = await frame.evaluate(async () => {
      const api = window.rakisStore!;
      const idb = await api.attempt(() => api.createIdbStore({ namespace: 'sandboxed' }));
      const memory = api.createMemoryStore();
      await memory.appendPackets([{ wire: 'still works', receivedAt: 0 }]);
      return { idb, origin: origin, memory: (await memory.recentPackets(1)).length };
    });
    await sandboxContext.close();
    expect(seen.origin).toBe('null');
    expect(seen.idb).toMatchObject({ ok: false, code: 'unavailable' });
    expect(seen.memory).toBe(1);
  });
});

describe('storage="tab" stores', () => {
  test("a tab's namespace survives its reloads, a duplicated tab takes its own, and the next opening deletes the stores of tabs gone for an hour", async () => {
    const tabs = await newContext(browser);
    const open = async () => {
      const tab = await tabs.newPage();
      await load(tab);
      return tab;
    };
    const a = await open();
    const first = (await run((api) => api.openTabNamespace(), undefined, a))!;
    expect(first.namespace).toMatch(/^rakis-tab-[0-9a-f-]{36}$/);

    // "Duplicate tab" copies sessionStorage: the copy must not sign as the same node.
    const b = await open();
    await b.evaluate((namespace) => sessionStorage.setItem('rakis-tab-namespace', namespace), first.namespace);
    const copy = (await run((api) => api.openTabNamespace(), undefined, b))!;
    expect(copy.namespace).not.toBe(first.namespace);
    await run((api) => api.holdLock('rakis-tab-store:rakis-tab-locked'), undefined, b);

    // Stores of other tabs, seeded from a page that then closes (an open connection would only delay their deletion).
    const seeder = await open();
    const hour = 60 * 60_000;
    await run(async (api) => {
      for (const namespace of ['rakis-tab-gone', 'rakis-tab-old', 'rakis-tab-recent', 'rakis-tab-locked']) await api.writeRaw(namespace, [['identity', 'x']]);
    }, undefined, seeder);
    await seeder.evaluate((hour) => {
      const seen = JSON.parse(localStorage.getItem('rakis-tab-seen') ?? '{}') as Record<string, number>;
      const now = Date.now();
      Object.assign(seen, { 'rakis-tab-old': now - 2 * hour, 'rakis-tab-recent': now - hour / 6, 'rakis-tab-locked': now - 2 * hour });
      localStorage.setItem('rakis-tab-seen', JSON.stringify(seen));
    }, hour);
    await seeder.close();

    await load(a, true);
    const reloaded = (await run((api) => api.openTabNamespace(), undefined, a))!;
    expect(reloaded.namespace).toBe(first.namespace);
    expect(reloaded.swept.sort()).toEqual(['rakis-tab-gone', 'rakis-tab-old']);
    const left = await run((api) => api.databases(), undefined, a);
    expect(left.filter((name) => name.startsWith('rakis-store-rakis-tab-'))).toEqual(['rakis-store-rakis-tab-locked', 'rakis-store-rakis-tab-recent']);
    const seen = await a.evaluate(() => Object.keys(JSON.parse(localStorage.getItem('rakis-tab-seen')!) as object).sort());
    expect(seen).toEqual([first.namespace, copy.namespace, 'rakis-tab-locked', 'rakis-tab-recent'].sort());
    await tabs.close();
  });
});
