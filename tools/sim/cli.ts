/**
 * `npm run sim [-- --nodes 50 --seeds 1,2,3 --scenarios honest,sybil-within --within --committers 30 --json]`
 * (`--within`: only the scenarios within the frame's tolerance)
 *
 * Runs every chosen scenario once per seed: a fresh network of `--nodes` RakisNodes and raw byzantine
 * actors on one in-memory bus (20–150 ms latency per delivery, loss where the scenario says), one
 * request, and a verdict over every honest node. Prints a line per run and a table per scenario;
 * with `--json`, the last line is one JSON object `{"nodes", "seeds", "scenarios":[…], "runs":[…]}`:
 * a summary per scenario and every run's `RunResult` (see world.ts).
 */
import { formatRuns, formatSummary, summarize } from './report.js';
import { ABOVE_TOLERANCE, SCENARIOS } from './scenarios.js';
import { runScenario, type RunResult } from './world.js';
import { parseCli } from '../../testkit/cli.js';

const { values, fail } = parseCli(import.meta.url, {
  nodes: { type: 'string', default: '50' },
  seeds: { type: 'string', default: '1,2,3' },
  scenarios: { type: 'string' },
  committers: { type: 'string', default: '30' },
  json: { type: 'boolean', default: false },
  within: { type: 'boolean', default: false },
});

const nodes = Number(values.nodes);
if (!Number.isInteger(nodes) || nodes < 10 || nodes > 2000) fail('--nodes must be an integer within 10..2000');
const seeds = values.seeds!.split(',').map(Number);
if (seeds.some((seed) => !Number.isInteger(seed))) fail('--seeds takes integers, comma separated');
const wanted = values.scenarios?.split(',');
const unknown = wanted?.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown?.length) fail(`unknown scenarios ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
const scenarios = SCENARIOS.filter((s) => (!wanted || wanted.includes(s.name)) && !(values.within && ABOVE_TOLERANCE.has(s.name)));
const committers = Number(values.committers);
if (!Number.isInteger(committers) || committers < 2) fail('--committers must be an integer of at least 2');

const results: RunResult[] = [];
for (const scenario of scenarios) {
  for (const seed of seeds) {
    const result = await runScenario(scenario, { nodes, seed, committers });
    results.push(result);
    if (!values.json) process.stderr.write(`${scenario.name} seed ${seed}: ${result.outcome.class} (${(result.cpuMs / 1000).toFixed(1)} s CPU)\n`);
  }
}

const summaries = summarize(results);
if (values.json) {
  console.log(formatRuns(results));
  console.log(JSON.stringify({ nodes, seeds, scenarios: summaries, runs: results }));
} else {
  console.log(formatRuns(results));
  console.log();
  console.log(formatSummary(summaries));
}
