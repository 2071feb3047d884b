#!/usr/bin/env node
// `node tools/relay/cli.js [--host 127.0.0.1] [--torrent-port 8787] [--mqtt-port 8788] [--nostr-port 8789] [--libp2p-port 8790]`: runs the local relays until interrupted.
// The default ports are src/network's LOCAL_RELAY_PORTS, where pages told to use local relays look.
import { parseCli } from '../../testkit/cli.js';
import { startRelays } from './relays.js';

const { values, fail } = parseCli(import.meta.url, {
  host: { type: 'string', default: '127.0.0.1' },
  'torrent-port': { type: 'string', default: '8787' },
  'mqtt-port': { type: 'string', default: '8788' },
  'nostr-port': { type: 'string', default: '8789' },
  'libp2p-port': { type: 'string', default: '8790' },
});
const port = (name) => {
  const value = Number(values[name]);
  return Number.isInteger(value) && value >= 0 && value <= 65535 ? value : fail(`--${name} must be a port number (0..65535)`);
};
const relays = await startRelays({
  host: values.host,
  relays: ['torrent', 'mqtt', 'nostr', 'libp2p'],
  ports: { torrent: port('torrent-port'), mqtt: port('mqtt-port'), nostr: port('nostr-port'), libp2p: port('libp2p-port') },
});
for (const [name, url] of Object.entries(relays.urls)) console.log(`relay ${name}: ${url}`);
const stop = async () => {
  await relays.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
