import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// Real CLIs, spawned as their users run them: usage and the exit code, never a stack trace.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNNERS = { tsx: `${ROOT}node_modules/.bin/tsx`, node: process.execPath };

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
    });
  });
}

test.concurrent.each([
  ['tsx', 'tools/sim/cli.ts', 'npm run sim [-- --nodes 50'],
  ['tsx', 'bench/list-check.ts', 'npx tsx bench/list-check.ts [--entries 512]'],
  ['node', 'tools/relay/cli.js', 'node tools/relay/cli.js [--host 127.0.0.1]'],
  ['tsx', 'tools/api-server-cli.ts', 'npx tsx tools/api-server-cli.ts [--port 8790]'],
  ['tsx', 'tools/start.ts', '`npm start`: the demo network on this machine'],
  ['tsx', 'tools/model-server.ts', 'Serves model files under `/models/`'],
  ['tsx', 'bench/consensus.ts', '`npm run bench:consensus [-- --json]`'],
  ['tsx', 'bench/engines.ts', '`npm run bench:engines [-- --json]`'],
  ['tsx', 'bench/frame-distances.ts', '`npx tsx bench/frame-distances.ts`'],
  ['tsx', 'bench/network.ts', '`npm run bench:network [-- --json]'],
  ['tsx', 'bench/node.ts', '`npm run bench:node [-- --json'],
  ['tsx', 'bench/settle.ts', '`npm run bench:settle [-- --json'],
  ['tsx', 'bench/json-mode.mts', '`npx tsx bench/json-mode.mts [--prompts N] [--json]`'],
] as const)('%s %s --help prints its usage and exits 0', async (runner, script, usage) => {
  const { code, stdout, stderr } = await run(RUNNERS[runner], [script, '--help']);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain(usage);
});

test.concurrent.each([
  ['tools/sim/cli.ts', ['--bogus'], "Unknown option '--bogus'", 'npm run sim'],
  ['tools/sim/cli.ts', ['--nodes', '3'], '--nodes must be an integer within 10..2000', 'npm run sim'],
  ['bench/node.ts', ['--sizes'], "Option '--sizes <value>' argument missing", 'npm run bench:node'],
])('%s %j names the problem, prints the usage and exits 2', async (script, args, problem, usage) => {
  const { code, stdout, stderr } = await run(RUNNERS.tsx, [script, ...args]);
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr.split('\n')[0]).toBe(problem);
  expect(stderr).toContain(usage);
  expect(stderr).not.toMatch(/\n\s+at /);
});
