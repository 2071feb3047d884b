import { describe, expect, test } from 'vitest';
import { securityFrame, type RequestResult } from '../../src/node/index.js';
import { DEFAULT_TIMINGS } from '../../src/quorum/index.js';
import { SimNet } from '../support/sim-net.js';

const frame = securityFrame('balanced', { maxTimeMs: 5_000 }, 'rakis-test/encoder-mini');
const params = { acceptedModels: ['rakis-test/lm-mini'], maxTokens: 64 };

describe('what the adapted commit grace measures', () => {
  test('packets a node pulls for a request it joined late are history, not delivery: they do not lengthen its grace', async () => {
    const net = new SimNet();
    const first = await net.add();
    await net.add({ worker: true });
    await net.add({ worker: true });
    await net.add({ worker: true });
    // A known contributor that answers only after the window: no list is fixed early, each waits for its grace.
    const silentGenerator = {
      model: 'rakis-test/lm-mini',
      healthy: () => true,
      generate: async () => (await net.delay(frame.maxTimeMs + 2_000), { text: 'too late', tokens: 0 }),
    };
    const silent = await net.add({ worker: true, generators: [silentGenerator] });
    await net.startAll();
    let settled: RequestResult | undefined;
    const earlier = first.request('Why is the sky blue?', frame, params);
    void earlier.result.then((result) => (settled = result));
    await net.runUntil(() => !!settled, 30_000);
    expect(settled?.outcome).toBe('decided');
    await net.runUntil(() => silent.status.queue.every((queue) => !queue.running), 10_000);

    // A page opened now learns the settled request from its peers' digests and pulls its packets, seconds after they were signed.
    const late = await net.add();
    await late.start();
    await net.runUntil(() => late.quorum(earlier.requestId)?.phase === 'decided', 20_000);
    expect(late.quorum(earlier.requestId)?.phase).toBe('decided');

    let listFixedAt: number | undefined;
    const own = late.request('Why is grass green?', frame, params);
    late.on('quorum', (event) => {
      if (event.requestId === own.requestId && event.type === 'reveal-list') listFixedAt ??= net.clock.now();
    });
    await net.runUntil(() => listFixedAt !== undefined, 30_000, 10);
    const pastWindow = listFixedAt! - late.quorum(own.requestId)!.schedule.commitDeadline;
    // Its own request's commits came in 20 ms: the grace is the minimum, not the fixed 1.5 s the pulled packets' age would give.
    expect(pastWindow).toBeLessThan(DEFAULT_TIMINGS.commitGraceMs / 2);
  }, 60_000);
});
