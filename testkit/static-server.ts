import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONTENT_TYPES, type RequestHandler } from '../tools/model-server.js';

export interface StaticOptions {
  /** Compress text answers (pages, scripts, styles) as a production server would, when the browser accepts gzip. */
  gzip?: boolean;
}

/** What is worth compressing. */
const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt']);

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves files from several directories (the first that has the path wins) on 127.0.0.1, with extra
 * response headers on every answer (e.g. a Content-Security-Policy). `handle` sees every request
 * first (e.g. the model server's routes, or a request log).
 */
export async function serveStatic(dirs: string[], headers: Record<string, string> = {}, handle?: RequestHandler, options: StaticOptions = {}): Promise<StaticServer> {
  const server: Server = createServer(async (req, res) => {
    if (handle?.(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Browsers ask for it unprompted; an empty answer keeps the page's console clean.
    if (path === '/favicon.ico') return void res.writeHead(204, headers).end();
    for (const dir of dirs) {
      const file = normalize(join(dir, path));
      if (!file.startsWith(dir)) continue;
      try {
        const body = await readFile(file);
        const type = { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', ...headers };
        if (options.gzip && TEXT.has(extname(file)) && /\bgzip\b/.test(String(req.headers['accept-encoding']))) {
          res.writeHead(200, { ...type, 'content-encoding': 'gzip', vary: 'accept-encoding' }).end(gzipSync(body, { level: 9 }));
        } else {
          res.writeHead(200, type).end(body);
        }
        return;
      } catch {
        // Not in this directory: try the next.
      }
    }
    res.writeHead(404, headers).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
