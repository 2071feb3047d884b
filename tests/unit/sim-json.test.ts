import { describe, expect, test } from 'vitest';
import type { JsonConsensus } from '../../src/consensus/index.js';
import { SCENARIOS, type Scenario } from '../../tools/sim/scenarios.js';
import { runScenario, type RunResult } from '../../tools/sim/world.js';

// JSON mode in simulated networks (14 nodes, 8 committers: tolerance 2, a decision needs 6).
const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const describeRuns = (results: RunResult[]) => results.map((r) => `${r.scenario}/${r.seed}: ${r.outcome.class} ${r.outcome.reason}`).join('\n');

async function run(name: string, seed: number, seen: JsonConsensus[]): Promise<RunResult> {
  return runScenario(scenario(name), {
    nodes: 14,
    committers: 8,
    seed,
    inspect: (nodes, requestId) => {
      for (const node of nodes) {
        const json = node.quorum(requestId)?.decision?.json;
        if (json) seen.push(json);
      }
    },
  });
}

describe('JSON mode with byzantine workers', () => {
  test('within tolerance (liars on an exact field, invalid JSON, both): 0 wrong, every honest node decides the same', { timeout: 180_000 }, async () => {
    const results: RunResult[] = [];
    const seen = new Map<string, JsonConsensus[]>();
    for (const name of ['json-honest', 'json-exact-liars', 'json-invalid', 'json-mixed']) {
      seen.set(name, []);
      for (const seed of [1, 2]) results.push(await run(name, seed, seen.get(name)!));
    }
    expect(results.every((r) => r.withinTolerance)).toBe(true);
    expect(results.map((r) => r.outcome.class), describeRuns(results)).toEqual(results.map(() => 'correct'));
    // What the verifying nodes saw: the liars' answers grouped apart, the invalid ones set aside with a reason.
    expect(seen.get('json-honest')!.every((json) => json.groups === 1 && json.invalid.length === 0)).toBe(true);
    expect(seen.get('json-exact-liars')!.every((json) => json.groups === 3 && json.invalid.length === 0)).toBe(true);
    expect(seen.get('json-invalid')!.every((json) => json.invalid.length === 2 && json.invalid.every((item) => item.reason === 'the answer is not JSON'))).toBe(true);
    for (const json of seen.get('json-mixed')!) expect(json).toMatchObject({ groups: 2, invalid: [{ reason: 'the answer is not JSON' }] });
    for (const json of seen.get('json-exact-liars')!) {
      expect(json.fields.find((field) => field.path === '$.wavelengthNm')).toEqual({ path: '$.wavelengthNm', match: 'exact', identical: true });
      expect(json.fields.find((field) => field.path === '$.answer')?.match).toBe('free');
    }
    expect([...seen.values()].every((list) => list.length > 0)).toBe(true);
  });

  test('more invalid answers than the frame tolerates: every honest node fails safely', { timeout: 60_000 }, async () => {
    const result = await run('json-invalid-above', 1, []);
    expect(result.withinTolerance).toBe(false);
    expect(result.outcome).toMatchObject({ class: 'failedSafely' });
    expect(result.outcome.reason).toContain('cluster-too-small');
  });
});
