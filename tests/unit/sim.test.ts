import { describe, expect, test } from 'vitest';
import { CONSENSUS_FAILURE_REASONS } from '../../src/protocol/index.js';
import { summarize } from '../../tools/sim/report.js';
import { SCENARIOS, type Scenario } from '../../tools/sim/scenarios.js';
import { runScenario, type RunResult } from '../../tools/sim/world.js';

// Small networks (14 nodes, 8 committers: tolerance 2, a decision needs ceil(0.66 × 8) = 6), several seeds, fake clock.
const NODES = 14;
const COMMITTERS = 8;
const SEEDS = [1, 2, 3];
const FAILURE_REASONS = new Set<string>([...CONSENSUS_FAILURE_REASONS, 'no-reveal-list', 'no-attestations']);

const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;

/** Floods and replays cost real signature checks (each distinct forged packet once): fewer seeds for those. */
const HEAVY = new Set(['replay-forge-flood', 'mixed-within']);

async function runAll(names: string[], seeds = SEEDS): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const name of names) {
    for (const seed of HEAVY.has(name) ? seeds.slice(0, 1) : seeds) results.push(await runScenario(scenario(name), { nodes: NODES, committers: COMMITTERS, seed }));
  }
  return results;
}

/** Every failed run names why, for every honest node. */
function expectReasons(results: RunResult[]): void {
  for (const result of results.filter((r) => r.outcome.class === 'failedSafely')) {
    const reasons = result.outcome.reason.split(', ').map((part) => part.split('failed:')[1]);
    for (const reason of reasons) expect(FAILURE_REASONS, `${result.scenario}/${result.seed}: ${result.outcome.reason}`).toContain(reason);
  }
}

const describeRuns = (results: RunResult[]) => results.map((r) => `${r.scenario}/${r.seed}: ${r.outcome.class} ${r.outcome.reason}`).join('\n');

describe('simulated networks with byzantine nodes', () => {
  const above = new Set(['sybil-above', 'withhold-above', 'garbage-half', 'mixed-above', 'sybil-at-required']);
  const within = SCENARIOS.filter((s) => !s.lossRate && !s.extended && !above.has(s.name));

  test('within the frame’s tolerance: no wrong decision, and every honest node reaches the same one', { timeout: 180_000 }, async () => {
    const results = await runAll(within.map((s) => s.name));
    expect(results.every((r) => r.withinTolerance)).toBe(true);
    const bad = results.filter((r) => r.outcome.class === 'wrong' || r.outcome.class === 'split');
    expect(bad, describeRuns(bad)).toEqual([]);
    expectReasons(results);
    // Safe failures are allowed (an honest paraphrase may fall outside the sphere), but rare.
    expect(results.filter((r) => r.outcome.class === 'correct').length).toBeGreaterThanOrEqual(Math.ceil(results.length * 0.9));
  });

  test('above it: failures carry reasons, and a sybil cluster as large as the required size wins', { timeout: 60_000 }, async () => {
    const results = await runAll(['sybil-above', 'withhold-above', 'garbage-half', 'sybil-at-required'], [1, 2]);
    expect(results.every((r) => !r.withinTolerance)).toBe(true);
    expectReasons(results);
    const safe = results.filter((r) => r.scenario !== 'sybil-at-required');
    // Above tolerance honest nodes may fail (safely) or still decide the honest answer: attackers that
    // commit after every contributor the requester knows can miss a list fixed early. Never wrong.
    expect(safe.map((r) => r.outcome.class), describeRuns(safe)).toEqual(safe.map((r) => (r.outcome.class === 'correct' ? 'correct' : 'failedSafely')));
    expect(safe.filter((r) => r.outcome.class === 'failedSafely').length).toBeGreaterThanOrEqual(safe.length - 1);
    // Where wrong decisions become possible: ceil(secPercentage × C) colluders agreeing on one answer.
    const sybils = results.filter((r) => r.scenario === 'sybil-at-required');
    expect(sybils.map((r) => r.outcome.class)).toEqual(sybils.map(() => 'wrong'));
    const summary = summarize(results);
    expect(summary.find((s) => s.name === 'sybil-at-required')).toMatchObject({ runs: 2, wrong: 2, withinTolerance: false });
  });
});
