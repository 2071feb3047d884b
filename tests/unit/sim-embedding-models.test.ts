import { describe, expect, test } from 'vitest';
import type { RakisNode } from '../../src/node/index.js';
import { SCENARIOS } from '../../tools/sim/scenarios.js';
import { runScenario } from '../../tools/sim/world.js';

// 14 nodes, 8 committers: tolerance 2. The liars' text embeds like the honest answer in encoder-mini
// and far from it in encoder-tiny (tools/sim/answers.ts `oneModelLie`).
const liars = SCENARIOS.find((s) => s.name === 'one-model-liar')!;

/** Of the requester's agreeing cluster, how many members revealed the liars' text. */
function liarsInCluster(nodes: RakisNode[], requestId: string): number {
  const snapshot = nodes[0]!.quorum(requestId)!;
  const members = new Set(snapshot.decision?.validInferenceIds ?? []);
  return snapshot.reveals.filter((reveal) => members.has(reveal.inferenceId) && reveal.output.includes(' hoax ')).length;
}

describe('a liar whose text agrees in one embedding model but not the other', () => {
  test('with both models in the frame: every honest node decides the honest answer, the liars outside the cluster', { timeout: 60_000 }, async () => {
    for (const seed of [1, 2, 3]) {
      let inCluster = -1;
      const result = await runScenario(liars, { nodes: 14, committers: 8, seed, inspect: (nodes, id) => (inCluster = liarsInCluster(nodes, id)) });
      expect(result.withinTolerance).toBe(true);
      expect(result.byzantine).toEqual({ 'one-model-liar': 2 });
      expect(result.outcome).toEqual({ class: 'correct', reason: '' });
      expect(inCluster).toBe(0);
    }
  });

  test('with the first model alone, the same liars sit inside the agreeing cluster', { timeout: 60_000 }, async () => {
    let inCluster = -1;
    await runScenario({ ...liars, frame: undefined }, { nodes: 14, committers: 8, seed: 1, inspect: (nodes, id) => (inCluster = liarsInCluster(nodes, id)) });
    expect(inCluster).toBe(2);
  });
});
