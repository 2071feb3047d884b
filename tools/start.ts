// `npm start`: the demo network on this machine, offline: local relays, pages, bundle and models on 127.0.0.1.
// Ports from the environment: PORT (pages, default 8080), TORRENT_PORT (8787), MQTT_PORT (8788), NOSTR_PORT (8789), LIBP2P_PORT (8790),
// API_PORT (8791: the test LM behind an OpenAI-compatible API, for demo/api.html).
import { parseCli } from '../testkit/cli.js';
import { startDemoStack } from './demo-stack.js';

parseCli(import.meta.url);

const stack = await startDemoStack({
  port: Number(process.env.PORT ?? 8080),
  relayPorts: {
    torrent: Number(process.env.TORRENT_PORT ?? 8787),
    mqtt: Number(process.env.MQTT_PORT ?? 8788),
    nostr: Number(process.env.NOSTR_PORT ?? 8789),
    libp2p: Number(process.env.LIBP2P_PORT ?? 8790),
  },
  api: { port: Number(process.env.API_PORT ?? 8791) },
});
console.log('Rakis Elements demo network is up.');
for (const [name, url] of Object.entries(stack.relays.urls)) console.log(`  relay ${name.padEnd(8)} ${url}`);
if (stack.api) console.log(`  api            ${stack.api.server.baseUrl} (key ${stack.api.key})`);
for (const [name, url] of Object.entries(stack.pages)) console.log(`  page  ${name.padEnd(8)} ${url}`);
const stop = async () => {
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
