import { serveStatic, type StaticServer } from './static-server.js';
import { buildFixture } from './vite-fixture.js';

/** http://127.0.0.1:PORT (a secure context for the pages) and a way to stop serving. */
export type FixtureServer = StaticServer;

/** Builds fixture pages with Vite (see buildFixture) into a temp dir and serves them on 127.0.0.1. */
export async function buildAndServeFixture(root: string, entries: string[]): Promise<FixtureServer> {
  const fixture = await buildFixture({ root, entries });
  const server = await serveStatic([fixture.dir]);
  return {
    origin: server.origin,
    close: async () => {
      await server.close();
      await fixture.dispose();
    },
  };
}
