// Local signaling relays, so a machine with no internet still has a working network:
// - torrent: bittorrent-tracker's WebSocket tracker (the server WebTorrent clients and trystero's torrent strategy speak to);
// - mqtt: an aedes broker over WebSocket (trystero's mqtt strategy);
// - nostr: a relay built on @nostr-relay/core (trystero's nostr strategy), keeping no events: trystero
//   signals with ephemeral events (kinds 20000-29999), which a relay passes to subscribers and never stores.
// Each listens on a plain http server of our own, so a relay can be stopped by itself and every client socket cut at once.
import { createServer } from 'node:http';
import Module, { createRequire } from 'node:module';
import { Aedes } from 'aedes';
import TrackerServer from 'bittorrent-tracker/server';
import { WebSocketServer, createWebSocketStream } from 'ws';

/** Announce interval the tracker tells clients (ms); trystero clamps it to at least 10 s, late joiners find everyone within that. */
export const TRACKER_ANNOUNCE_MS = 10_000;

const RELAY_NAMES = /** @type {const} */ (['torrent', 'mqtt', 'nostr']);
const STARTERS = { torrent: startTracker, mqtt: startMqtt, nostr: startNostr };

/**
 * Starts the local relays. `ports` default to 0 (any free port).
 * @param {import('./relays.js').RelayOptions} [options]
 * @returns {Promise<import('./relays.js').Relays>}
 */
export async function startRelays(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const which = options.relays ?? RELAY_NAMES;
  /** @type {Map<string, {url: string, close: () => Promise<void>}>} */
  const running = new Map();
  try {
    for (const name of which) {
      const port = options.ports?.[name] ?? 0;
      const relay = await STARTERS[name](host, port);
      running.set(name, relay);
    }
  } catch (error) {
    // A port in use: stop what did start rather than leave it listening.
    await Promise.all([...running.values()].map((relay) => relay.close()));
    throw error;
  }
  const urls = Object.fromEntries([...running].map(([name, relay]) => [name, relay.url]));
  return {
    urls,
    async stop(name) {
      const relay = running.get(name);
      running.delete(name);
      await relay?.close();
    },
    async close() {
      const relays = [...running.values()];
      running.clear();
      await Promise.all(relays.map((relay) => relay.close()));
    },
  };
}

/** An http server that hands WebSocket upgrades to `onSocket` and can be torn down with every socket it accepted. */
async function listenForWebSockets(host, port, onSocket, socketOptions = {}) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, ...socketOptions });
  const sockets = new Set();
  const http = createServer((_req, res) => res.writeHead(404).end());
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req)));
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (http.address());
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        wss.close();
        http.close(() => resolve(undefined));
      }),
  };
}

async function startTracker(host, port) {
  const tracker = new TrackerServer({ http: false, udp: false, ws: { noServer: true }, stats: false, interval: TRACKER_ANNOUNCE_MS });
  // Tracker warnings (bad announces from a client) are the client's problem, not the relay's.
  tracker.on('warning', () => {});
  tracker.on('error', (error) => console.error('relay torrent:', error.message));
  const server = await listenForWebSockets(host, port, (ws, req) => tracker.ws.emit('connection', ws, req));
  return {
    url: `ws://${urlHost(host)}:${server.port}`,
    close: async () => {
      await server.close();
      await new Promise((resolve) => tracker.close(() => resolve(undefined)));
    },
  };
}

async function startMqtt(host, port) {
  const broker = await Aedes.createBroker();
  const server = await listenForWebSockets(host, port, (ws) => {
    const stream = createWebSocketStream(ws);
    // A client vanishing mid-write is routine for a relay.
    stream.on('error', () => {});
    broker.handle(stream);
  });
  return {
    url: `ws://${urlHost(host)}:${server.port}`,
    close: async () => {
      await server.close();
      await new Promise((resolve) => broker.close(() => resolve(undefined)));
    },
  };
}

/**
 * The relay library, loaded only when a nostr relay starts. @nostr-relay/common 0.0.40 requires
 * `@noble/hashes/sha256` without declaring @noble/hashes, so it gets this project's @noble/hashes 2,
 * which no longer has that path; the 1.x it was written for is installed beside its own dependency
 * @noble/curves, and that one path, asked from inside @nostr-relay/common, is resolved there.
 */
async function loadNostrRelay() {
  const require = createRequire(import.meta.url);
  const commonDir = require.resolve('@nostr-relay/common').replace(/dist[/\\]index\.js$/, '');
  const fromCurves = createRequire(createRequire(commonDir).resolve('@noble/curves/secp256k1'));
  const resolve = Module._resolveFilename;
  // Not again from inside: where npm nests @noble/curves under @nostr-relay/common, its own lookup comes back here.
  let redirecting = false;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (!redirecting && request === '@noble/hashes/sha256' && parent?.filename?.startsWith(commonDir)) {
      redirecting = true;
      try {
        return fromCurves.resolve(request);
      } finally {
        redirecting = false;
      }
    }
    return resolve.call(this, request, parent, ...rest);
  };
  const [{ EventRepository, LogLevel }, { NostrRelay }] = await Promise.all([import('@nostr-relay/common'), import('@nostr-relay/core')]);
  /** Stores nothing and finds nothing: a relay for signaling, where only live subscribers matter. */
  class NoEvents extends EventRepository {
    isSearchSupported() {
      return false;
    }
    upsert() {
      return { isDuplicate: false };
    }
    find() {
      return [];
    }
    async destroy() {}
  }
  return () => new NostrRelay(new NoEvents(), { logLevel: LogLevel.WARN });
}

/** Largest nostr message taken (trystero's offers and answers carry an SDP of a few KB). */
const NOSTR_MAX_MESSAGE_BYTES = 256 * 1024;

let nostrRelayFactory;

async function startNostr(host, port) {
  nostrRelayFactory ??= loadNostrRelay();
  // The library checks every event's id and Schnorr signature; warnings only (its INFO log is per connection).
  const relay = (await nostrRelayFactory)();
  const server = await listenForWebSockets(
    host,
    port,
    (ws, req) => {
      relay.handleConnection(ws, req.socket.remoteAddress);
      ws.on('message', (data) => {
        // The library expects messages already checked for shape (its own validator package is separate):
        // anything that is not a JSON array of a known type is refused here, and nothing a client sends may throw.
        let message;
        try {
          message = JSON.parse(data.toString());
        } catch {
          return ws.send(JSON.stringify(['NOTICE', 'invalid: not JSON']));
        }
        if (!Array.isArray(message) || !['EVENT', 'REQ', 'CLOSE'].includes(message[0])) return ws.send(JSON.stringify(['NOTICE', 'invalid: unknown message']));
        relay.handleMessage(ws, message).catch((error) => ws.send(JSON.stringify(['NOTICE', `error: ${error.message}`])));
      });
      ws.on('close', () => relay.handleDisconnect(ws));
      ws.on('error', () => {});
    },
    { maxPayload: NOSTR_MAX_MESSAGE_BYTES },
  );
  return {
    url: `ws://${urlHost(host)}:${server.port}`,
    close: async () => {
      await server.close();
      await relay.destroy();
    },
  };
}

const urlHost = (host) => (host.includes(':') ? `[${host}]` : host);
