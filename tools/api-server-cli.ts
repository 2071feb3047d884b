/**
 * Serves the test LM through an OpenAI-compatible API on this machine (see tools/api-server.ts).
 *
 *   npx tsx tools/api-server-cli.ts [--port 8790] [--key KEY ...]
 *
 * --port  port on 127.0.0.1 (default 8790; 0 picks a free one)
 * --key   an accepted bearer key (repeatable); none: no auth
 */
import { parseCli } from '../testkit/cli.js';
import { startApiServer } from './api-server.js';

const { values, fail } = parseCli(import.meta.url, { port: { type: 'string', default: '8790' }, key: { type: 'string', multiple: true } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port: "${values.port}" is not a port`);
const server = await startApiServer({ port, keys: (values.key as string[] | undefined) ?? [] });
console.log(`OpenAI-compatible API for the test LM at ${server.baseUrl}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
