#!/usr/bin/env node
// `node tools/relay/cli.js [--host 127.0.0.1] [--torrent-port 8787] [--mqtt-port 8788]`: runs the local relays until interrupted.
// The default ports are src/network's LOCAL_RELAY_PORTS, where pages told to use local relays look.
import { parseArgs } from 'node:util';
import { startRelays } from './relays.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    'torrent-port': { type: 'string', default: '8787' },
    'mqtt-port': { type: 'string', default: '8788' },
  },
});
const relays = await startRelays({
  host: values.host,
  ports: { torrent: Number(values['torrent-port']), mqtt: Number(values['mqtt-port']) },
});
for (const [name, url] of Object.entries(relays.urls)) console.log(`relay ${name}: ${url}`);
const stop = async () => {
  await relays.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
