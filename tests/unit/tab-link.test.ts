import { afterEach, describe, expect, test } from 'vitest';
import { createIdentity, exportIdentity } from '../../src/protocol/index.js';
import { securityFrame, type RequestResult } from '../../src/node/index.js';
import { SharedNode } from '../../src/node/tab-link/shared-node.js';
import type { TabPlatform } from '../../src/node/tab-link/tab-platform.js';
import { createMemoryStore, type NodeStore } from '../../src/store/index.js';
import { settle, SimNet } from '../support/sim-net.js';

const frame = securityFrame('balanced', { maxTimeMs: 5_000 }, 'rakis-test/encoder-mini');
const params = { acceptedModels: ['rakis-test/lm-mini'], maxTokens: 64 };

/** Web Locks as one origin's tabs see them: one holder per name, the others queued in order. */
function memoryTabs(): TabPlatform {
  const tails = new Map<string, Promise<void>>();
  return {
    hold(name, signal, held) {
      const previous = tails.get(name) ?? Promise.resolve();
      let release!: () => void;
      tails.set(name, previous.then(() => new Promise<void>((resolve) => (release = resolve))));
      return previous.then(async () => {
        try {
          if (signal.aborted) throw new Error('aborted');
          await held();
        } finally {
          release();
        }
      });
    },
    channel(name) {
      const channel = new BroadcastChannel(name);
      return {
        post: (message) => channel.postMessage(message),
        onMessage: (listener) => channel.addEventListener('message', (event) => listener((event as MessageEvent).data)),
        close: () => channel.close(),
      };
    },
  };
}

const opened: SharedNode[] = [];
let names = 0;

afterEach(async () => {
  for (const tab of opened.splice(0)) await tab.stop();
});

/** A network of three workers, and a site whose tabs share `store`. */
async function site() {
  const net = new SimNet();
  for (let i = 0; i < 3; i++) await net.add({ worker: true });
  await net.startAll();
  const store: NodeStore = createMemoryStore();
  const identity = createIdentity();
  await store.saveIdentity(exportIdentity(identity));
  const platform = memoryTabs();
  const name = `rakis-node:test-${++names}`;
  const tab = () => {
    const node = new SharedNode({
      name,
      network: 'rakis1',
      platform,
      now: () => net.clock.now(),
      identity,
      createNode: () => net.add({ store, loadRequestsOnUse: true }),
    });
    opened.push(node);
    return node;
  };
  /** Runs the fake clock until `done`, letting the tabs' messages through. */
  const until = async (done: () => boolean, maxMs: number) => {
    for (let t = 0; t < maxMs && !done(); t += 50) {
      net.clock.advance(50);
      await settle(4);
    }
  };
  return { net, tab, until };
}

describe('one node per site across tabs', () => {
  test('the first tab runs the node; a second uses it: same identity, one node to the peers, its request decided through the leader', async () => {
    const { net, tab, until } = await site();
    const first = tab();
    await first.start();
    const second = tab();
    await second.start();
    expect(first.leading).toBe(true);
    expect(second.leading).toBe(false);
    expect(second.synthientId).toBe(first.synthientId);
    expect(second.status.synthientId).toBe(first.synthientId);
    // Three workers and the site's one node: no second node for the second tab.
    expect(net.nodes).toHaveLength(4);

    const handle = second.request('Why is the sky blue?', frame, params);
    let result: RequestResult | undefined;
    void handle.result.then((r) => (result = r));
    await until(() => !!result, 30_000);
    expect(result).toMatchObject({ requestId: handle.requestId, outcome: 'decided' });
    expect(result!.output).toMatch(/sky looks blue/);
    await until(() => second.quorum(handle.requestId)?.phase === 'decided', 2_000);
    expect(second.quorum(handle.requestId)?.decision?.resultHash).toBe(first.quorum(handle.requestId)?.decision?.resultHash);
    expect(second.results.some((r) => r.requestId === handle.requestId && r.mine)).toBe(true);
  });

  test('the leader tab closes mid-request: a waiting tab takes over with the same identity and the request still completes there', async () => {
    const { net, tab, until } = await site();
    const first = tab();
    await first.start();
    const second = tab();
    await second.start();
    const third = tab();
    await third.start();
    const id = first.synthientId;
    const handle = third.request('Why is the sky blue?', frame, params);
    let result: RequestResult | undefined;
    void handle.result.then((r) => (result = r));
    await until(() => (first.quorum(handle.requestId)?.commits.length ?? 0) > 0, 10_000);
    expect(result).toBeUndefined();
    await first.stop();
    await until(() => second.leading || third.leading, 2_000);
    const leader = second.leading ? second : third;
    expect([second.leading, third.leading].filter(Boolean)).toHaveLength(1);
    expect(leader.synthientId).toBe(id);
    await until(() => !!result, 30_000);
    expect(result).toMatchObject({ requestId: handle.requestId, outcome: 'decided' });
    // A tab opened later joins the node that is there.
    const later = tab();
    await later.start();
    expect(later.leading).toBe(false);
    expect(later.synthientId).toBe(id);
    expect(net.nodes.filter((node) => node.synthientId === id)).toHaveLength(2);
  });

  test('a follower that asks to contribute makes the leader load the engines once', async () => {
    const { tab, until } = await site();
    const first = tab();
    await first.start();
    const second = tab();
    await second.start();
    const options = { models: ['rakis-test/lm-mini'], embeddingModels: ['rakis-test/encoder-mini'] };
    let loads = 0;
    let loaded!: () => void;
    // The engines load while the other tabs' calls arrive.
    (first as unknown as { node: { contribute: (o: unknown) => Promise<void> } }).node.contribute = () => (loads++, new Promise<void>((resolve) => (loaded = resolve)));
    let done = 0;
    void Promise.all([first.contribute(options), second.contribute(options), second.contribute(options)]).then(() => (done = 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    loaded();
    await until(() => done === 1, 2_000);
    expect(done).toBe(1);
    expect(loads).toBe(1);
  });

  test('junk on the channel is dropped and counted; the tabs carry on', async () => {
    const { tab, until } = await site();
    const first = tab();
    await first.start();
    const second = tab();
    await second.start();
    const junk = new BroadcastChannel((first as unknown as { options: { name: string } }).options.name);
    for (const message of [null, 42, 'x', { kind: 'submit', tab: 't', packets: ['{"not":"a packet"}'] }, { kind: 'call', tab: 't', callId: -1 }, { kind: 'state', leader: 'x', state: { status: 1 } }, { kind: 'event', leader: 'x', type: 'eval', event: {} }]) {
      junk.postMessage(message);
    }
    await until(() => (first as unknown as { host: { refused: number } }).host.refused >= 5, 2_000);
    junk.close();
    expect((first as unknown as { host: { refused: number } }).host.refused).toBeGreaterThanOrEqual(5);
    expect(second.synthientId).toBe(first.synthientId);
    expect(second.status.role).toBe('observer');
  });
});
