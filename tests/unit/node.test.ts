import { describe, expect, test } from 'vitest';
import { RakisError, securityFrame, type RequestEvent, type RequestResult } from '../../src/node/index.js';
import { SimNet } from '../support/sim-net.js';

const frame = securityFrame('balanced', { maxTimeMs: 5_000 }, 'rakis-test/encoder-mini');
const params = { acceptedModels: ['rakis-test/lm-mini'], maxTokens: 64 };

describe('RakisNode over the in-memory transport', () => {
  test('workers answer a request; every node reaches the same decision; the requester sees attestations', async () => {
    const net = new SimNet();
    const requester = await net.add();
    const workers = [await net.add({ worker: true }), await net.add({ worker: true }), await net.add({ worker: true })];
    await net.startAll();
    expect(requester.peers.length).toBe(3);
    expect(workers[0]!.role).toBe('worker');
    expect(requester.role).toBe('observer');

    const handle = requester.request('Why is the sky blue?', frame, params);
    const events: RequestEvent[] = [];
    const collecting = (async () => {
      for await (const event of handle.events) events.push(event);
    })();
    let result: RequestResult | undefined;
    void handle.result.then((r) => (result = r));
    await net.runUntil(() => !!result, 30_000);
    await net.runUntil(() => requester.quorum(handle.requestId)!.attestations[0]?.count === 4, 5_000);
    await collecting;

    expect(result).toMatchObject({ outcome: 'decided' });
    expect(result!.output).toMatch(/sky looks blue/);
    const commits = events.filter((e) => e.type === 'commit');
    expect(commits).toHaveLength(3);
    const hashes = [requester, ...workers].map((node) => node.quorum(handle.requestId)?.decision?.resultHash);
    expect(new Set(hashes).size).toBe(1);
    expect(requester.quorum(handle.requestId)!.attestations[0]!.count).toBe(4);
    expect(requester.results[0]).toMatchObject({ requestId: handle.requestId, outcome: 'decided', mine: true });
    expect(workers.reduce((sum, w) => sum + w.status.tokensServed, 0)).toBeGreaterThan(0);
    // Workers announce what they served when they commit, not only at the next periodic status.
    expect(net.clock.now() - 1_800_000_000_000).toBeLessThan(30_000);
    expect(requester.peers.filter((peer) => peer.tokensServed > 0)).toHaveLength(3);
  });

  test('nodes that load the request code on use: an asker, and a follower that first hears of a request, both reach the decision', async () => {
    const net = new SimNet();
    const requester = await net.add({ loadRequestsOnUse: true });
    const follower = await net.add({ loadRequestsOnUse: true });
    const workers = [await net.add({ worker: true }), await net.add({ worker: true }), await net.add({ worker: true })];
    await net.startAll();
    // Nothing asked or heard yet: neither follows anything, and neither has loaded the code to.
    expect([requester.requests(), follower.requests(), requester.status.queue]).toEqual([[], [], []]);
    const handle = requester.request('Why is the sky blue?', frame, params);
    // The handle is there at once; its quorum follows once the code has arrived.
    expect(handle.snapshot()).toBeUndefined();
    let result: RequestResult | undefined;
    void handle.result.then((r) => (result = r));
    await net.runUntil(() => !!result, 30_000);
    expect(result).toMatchObject({ outcome: 'decided' });
    await net.runUntil(() => !!follower.quorum(handle.requestId)?.decision, 5_000);
    const hashes = [requester, follower, ...workers].map((node) => node.quorum(handle.requestId)?.decision?.resultHash);
    expect(new Set(hashes).size).toBe(1);
    expect(hashes[0]).toBe(result!.decision!.resultHash);
    expect(follower.status.dropped.earlyPackets).toBe(0);
  });

  test('bad input is refused with a typed, readable error', async () => {
    const net = new SimNet();
    const node = await net.add();
    expect(() => node.request('hi', frame, params)).toThrow(/start the node/);
    await net.startAll();
    expect(() => node.request('', frame, params)).toThrow(RakisError);
    expect(() => node.request('hi', { ...frame, secDistance: 2 }, params)).toThrow(/secDistance/);
    expect(() => node.request('hi', frame, { acceptedModels: [] })).toThrow(/accepted model/);
    expect(() => securityFrame('extreme' as 'fast')).toThrow(/unknown frame preset/);
  });

  test('too few workers: the request fails with its reason', async () => {
    const net = new SimNet();
    const requester = await net.add();
    await net.add({ worker: true });
    await net.startAll();
    const handle = requester.request('Why is the sky blue?', frame, params);
    let result: RequestResult | undefined;
    void handle.result.then((r) => (result = r));
    await net.runUntil(() => !!result, 30_000);
    expect(result).toMatchObject({ outcome: 'failed', reason: 'not-enough-commits' });
  });

  test('a worker too slow for the window skips the request and says why', async () => {
    const net = new SimNet();
    const requester = await net.add();
    const slow = await net.add({ worker: { tokensPerSecond: 1 } });
    await net.startAll();
    const jobs: string[] = [];
    slow.on('job', (job) => jobs.push(`${job.state}:${job.reason ?? ''}`));
    // First request teaches the worker its speed (64 tokens at 1 token/s overruns a 5 s window).
    requester.request('Why is the sky blue?', frame, params);
    await net.run(12_000);
    requester.request('Why is grass green?', frame, params);
    await net.run(500);
    expect(jobs).toContain('skipped:too-slow');
  });
});

describe('RakisNode persistence', () => {
  test('a worker reloaded mid-request comes back with its identity, resumes the quorum and still reveals', async () => {
    const { createMemoryStore } = await import('../../src/store/index.js');
    const net = new SimNet();
    const store = createMemoryStore();
    const requester = await net.add();
    const first = await net.add({ worker: true, store });
    await net.add({ worker: true });
    await net.add({ worker: true });
    await net.startAll();
    const handle = requester.request('Why is the sky blue?', frame, params);
    let result: RequestResult | undefined;
    void handle.result.then((r) => (result = r));
    // Let the workers commit, then "reload" the first one before the reveal phase.
    await net.runUntil(() => (requester.quorum(handle.requestId)?.commits.length ?? 0) === 3, 5_000);
    expect(requester.quorum(handle.requestId)!.phase).toBe('collecting');
    await first.stop();
    const reloaded = await net.add({ worker: true, store });
    expect(reloaded.synthientId).toBe(first.synthientId);
    await reloaded.start();
    expect(reloaded.quorum(handle.requestId)?.commits.map((c) => c.from)).toContain(first.synthientId);
    await net.runUntil(() => !!result, 30_000);
    expect(result).toMatchObject({ outcome: 'decided' });
    const revealed = requester.quorum(handle.requestId)!.reveals.map((r) => r.from);
    expect(revealed).toContain(first.synthientId);
    expect(result!.decision!.validInferenceIds).toHaveLength(3);
    expect(reloaded.status.queue[0]!.waiting).toBe(0);
  });
  test('a node whose clock is a minute ahead of its peers says so: in its status, once as an error, while the others stay in step', async () => {
    const net = new SimNet();
    const ahead = { now: () => net.clock.now() + 60_000, setTimeout: net.clock.setTimeout.bind(net.clock), clearTimeout: net.clock.clearTimeout.bind(net.clock) };
    const others = [await net.add(), await net.add(), await net.add()];
    const skewed = await net.add({ scheduler: ahead });
    const errors: string[] = [];
    skewed.on('error', (error) => errors.push(error.code));
    await net.startAll();
    // Status packets repeat every 30 s; the skewed node's own are refused by the others as from the future.
    await net.run(35_000, 250);
    expect(skewed.status.clock).toEqual({ offsetSeconds: 60, off: true });
    expect(errors).toEqual(['clock']);
    for (const node of others) expect(node.status.clock).toEqual({ offsetSeconds: 0, off: false });
  });
});
