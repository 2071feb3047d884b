import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startApiServer, type ApiServer } from './api-server.js';
import { startRelays, type Relays } from './relay/relays.js';
import { createModelHandler } from './model-server.js';
import { staticFiles } from './static-files.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface DemoStackOptions {
  host?: string;
  /** Page server port; 0 picks a free one. */
  port?: number;
  relayPorts?: { torrent?: number; mqtt?: number; nostr?: number; libp2p?: number };
  /** The OpenAI-compatible API serving the test LM: its port (0 picks one) and key; `false`: none. */
  api?: { port?: number; key?: string } | false;
}

/** The key the demo's API server accepts (a demo on one machine; a real endpoint has its own). */
export const DEMO_API_KEY = 'rakis-demo-key';

export interface DemoStack {
  origin: string;
  relays: Relays;
  /** The local API server and the key it accepts, when started. */
  api: { server: ApiServer; key: string } | undefined;
  /** The demo pages, by name. */
  pages: Record<string, string>;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Everything the demo network needs on one machine with no internet: the local signaling relays (the
 * libp2p relay node too, for pages on the libp2p transport) and
 * one origin serving the demo pages, the script-tag bundle and the model files.
 */
export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const host = options.host ?? '127.0.0.1';
  const relays = await startRelays({ host, relays: ['torrent', 'mqtt', 'nostr', 'libp2p'], ports: options.relayPorts ?? {} });
  const apiOptions = options.api === false ? undefined : (options.api ?? {});
  const key = apiOptions?.key ?? DEMO_API_KEY;
  const api = apiOptions ? { server: await startApiServer({ host, port: apiOptions.port ?? 0, keys: [key] }), key } : undefined;
  const handlers: Handler[] = [
    staticFiles('/dist/', `${ROOT}dist/`),
    createModelHandler(),
    staticFiles('/demo/', `${ROOT}demo/`),
  ];
  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/config.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ relays: relays.urls, modelBaseUrl: '/models/' }));
        return;
      }
      if (path === '/') {
        res.writeHead(302, { location: '/demo/index.html' }).end();
        return;
      }
      for (const handle of handlers) if (handle(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 8080, host, resolve));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    relays,
    api,
    pages: Object.fromEntries(['index', 'blog', 'nft', 'dashboard', 'api'].map((name) => [name, `${origin}/demo/${name}.html`])),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await relays.close();
      await api?.server.close();
    },
  };
}
