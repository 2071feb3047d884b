import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { serveFile } from './model-server.js';

/** Serves files under `root` for URL paths under `prefix` (plain 404s for anything missing); false for other paths. */
export function staticFiles(prefix: string, root: string) {
  const dir = resolve(root);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(prefix)) return false;
    void serveFile(req, res, dir, path.slice(prefix.length));
    return true;
  };
}
