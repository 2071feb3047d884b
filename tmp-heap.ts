import { writeHeapSnapshot } from 'node:v8';
import { SCENARIOS } from './tools/sim/scenarios.js';
import { runScenario } from './tools/sim/world.js';
const honest = SCENARIOS.find((s) => s.name === 'honest')!;
await runScenario(honest, { nodes: 200, seed: 1, inspect: () => { globalThis.gc?.(); console.log(writeHeapSnapshot('/tmp/hs/h.heapsnapshot')); } });
