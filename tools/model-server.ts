/**
 * Serves model files under `/models/` and onnxruntime-web's runtime files under `/ort/`, so pages
 * load weights and wasm from their own origin and never from a hub or CDN. Missing files are plain
 * 404s (never a 200 HTML page, which a browser cache would keep as a "model").
 *
 *   import { createModelHandler, startModelServer } from './tools/model-server.ts';
 *   http.createServer((req, res) => createModelHandler()(req, res) || next(req, res));
 *   const { origin, close } = await startModelServer({ port: 8081 });
 *
 * Alone: `npx tsx tools/model-server.ts` serves them on 127.0.0.1, port PORT (default 8081).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../testkit/cli.js';

const REPO = fileURLToPath(new URL('../', import.meta.url));

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.txt': 'text/plain; charset=utf-8',
  '.model': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface ModelServerOptions {
  /** Directory served at `modelsPath` (default: the repo's `models/`). */
  modelsDir?: string;
  modelsPath?: string;
  /** Directory served at `ortPath` (default: onnxruntime-web's `dist/` in node_modules). */
  ortDir?: string;
  ortPath?: string;
  /** Extra headers on every answer (e.g. a Content-Security-Policy in tests). */
  headers?: Readonly<Record<string, string>>;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A handler that answers `/models/...` and `/ort/...` and returns false for any other path. */
export function createModelHandler(options: ModelServerOptions = {}): RequestHandler {
  const mounts: [string, string][] = [
    [options.modelsPath ?? '/models/', resolve(options.modelsDir ?? join(REPO, 'models'))],
    [options.ortPath ?? '/ort/', resolve(options.ortDir ?? join(REPO, 'node_modules', 'onnxruntime-web', 'dist'))],
  ];
  return (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const mount = mounts.find(([prefix]) => pathname.startsWith(prefix));
    if (!mount) return false;
    const [prefix, dir] = mount;
    void serveFile(req, res, dir, pathname.slice(prefix.length), options.headers ?? {});
    return true;
  };
}

/** Serves `relative` from `dir` (GET and HEAD), 404 for anything missing or outside `dir`. */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string,
  relative: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  const common = { ...headers, 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };
  const notFound = (status = 404) =>
    res.writeHead(status, { ...common, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(status === 404 ? 'not found' : 'method not allowed');
  if (req.method !== 'GET' && req.method !== 'HEAD') return void notFound(405);
  const file = resolve(dir, relative);
  if (file !== dir && !file.startsWith(dir + sep)) return void notFound();
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return void notFound();
  const head = {
    ...common,
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
    'cache-control': 'no-cache',
    etag: `"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`,
  };
  // One byte range (transformers.js probes files with `Range: bytes=0-0`).
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    const start = range[1] ? Number(range[1]) : Math.max(0, info.size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
    if (start > end || start >= info.size) {
      return void res.writeHead(416, { ...common, 'content-range': `bytes */${info.size}` }).end();
    }
    res.writeHead(206, { ...head, 'content-length': String(end - start + 1), 'content-range': `bytes ${start}-${end}/${info.size}` });
    if (req.method === 'HEAD') return void res.end();
    return void createReadStream(file, { start, end }).pipe(res);
  }
  res.writeHead(200, { ...head, 'content-length': String(info.size) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

export interface RunningServer {
  server: Server;
  origin: string;
  close(): Promise<void>;
}

/** Starts a server answering only model and onnxruntime paths (404 elsewhere). */
export async function startModelServer(options: ModelServerOptions & { port?: number; host?: string } = {}): Promise<RunningServer> {
  const handle = createModelHandler(options);
  const server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((done) => server.listen(options.port ?? 0, host, done));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://${host}:${port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  parseCli(import.meta.url);
  const running = await startModelServer({ port: Number(process.env.PORT ?? 8081) });
  console.log(`models: ${running.origin}/models/  onnxruntime: ${running.origin}/ort/`);
}
