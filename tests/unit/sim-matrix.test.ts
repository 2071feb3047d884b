import { describe, expect, test } from 'vitest';
import { MemoryBus } from '../../src/network/memory-bus.js';
import { HeapScheduler } from '../../tools/sim/heap-scheduler.js';
import { SCENARIOS, type Scenario } from '../../tools/sim/scenarios.js';
import { runScenario, type RunResult } from '../../tools/sim/world.js';

// The network conditions and floods of the simulation matrix, at small size (20 nodes, 12 committers:
// tolerance 4), one seed each; `npm run sim` runs them at 50 nodes over several seeds.
const NODES = 20;
const COMMITTERS = 12;

const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const run = (name: string, seed = 1): Promise<RunResult> => runScenario(scenario(name), { nodes: NODES, committers: COMMITTERS, seed });
const describeRun = (r: RunResult) => `${r.scenario}/${r.seed}: ${r.outcome.class} ${r.outcome.reason}`;

describe('the memory bus’s conditions', () => {
  test('duplicates a delivery, and reaches only whom `reach` allows, by group and time', async () => {
    const scheduler = new HeapScheduler(0);
    const bus = new MemoryBus({ scheduler, latencyMs: 10, duplicateRate: 1, reach: (from, to, now) => now >= 100 || from.group === to.group });
    const [a1, a2, b] = await Promise.all([bus.transport('m', 'a').open(), bus.transport('m', 'a').open(), bus.transport('m', 'b').open()]);
    const heard = { a2: 0, b: 0 };
    a2.onMessage = () => heard.a2++;
    b.onMessage = () => heard.b++;
    a1.send(new Uint8Array([1]));
    scheduler.advanceTo(50);
    expect(heard).toEqual({ a2: 2, b: 0 });
    scheduler.advanceTo(100);
    a1.send(new Uint8Array([2]));
    scheduler.advanceTo(200);
    expect(heard).toEqual({ a2: 4, b: 2 });
  });
});

describe('the simulation matrix, small', () => {
  test('reordering with duplicates, a healing partition, churn, the late reveal splitter and two floods: never wrong, never split', { timeout: 120_000 }, async () => {
    const names = ['reorder-duplicate', 'partition-heal', 'churn', 'reveal-order-split-late', 'forged-from-flood', 'reveal-list-flood'];
    const results: RunResult[] = [];
    for (const name of names) results.push(await run(name));
    const bad = results.filter((r) => r.outcome.class === 'wrong' || r.outcome.class === 'split');
    expect(bad.map(describeRun)).toEqual([]);
    for (const r of results) {
      expect(r.withinTolerance).toBe(true);
      expect(r.busiest.received).toBeGreaterThan(0);
      expect(r.peakHeapBytes).toBeGreaterThan(0);
    }
    const churn = results.find((r) => r.scenario === 'churn')!;
    expect(churn).toMatchObject({ left: 5, joined: 5 });
    // The forged flood claims the requester's id under bad signatures: it must not silence the requester.
    expect(results.find((r) => r.scenario === 'forged-from-flood')!.outcome.class).toBe('correct');
  });

  // A node that gets the splitter's wrong-salt reveal before the list used to keep it and drop the valid
  // one that followed (the mesh never delivers a packet twice); now the opening that opens the commit it
  // holds stands, and openings with no commitment known yet are kept aside until the list names one.
  test('the reveal splitter revealing at once does not split honest nodes', { timeout: 60_000 }, async () => {
    const result = await run('reveal-order-split');
    expect(result.outcome.class, describeRun(result)).not.toBe('split');
  });
});
