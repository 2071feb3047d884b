import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// custom-elements.json is committed (IDEs and docs read it), so it must match the JSDoc it comes from.
const root = fileURLToPath(new URL('../../', import.meta.url));
const scratch = 'node_modules/.cache/rakis-manifest-check';

test('custom-elements.json is up to date (run `npm run manifest` after changing an element)', async () => {
  await rm(`${root}${scratch}`, { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--outdir', scratch, '--quiet'], {
    cwd: root,
    stdio: 'pipe',
  });
  const fresh = await readFile(`${root}${scratch}/custom-elements.json`, 'utf8');
  const committed = await readFile(`${root}custom-elements.json`, 'utf8');
  expect(committed === fresh, 'custom-elements.json is stale: run `npm run manifest`').toBe(true);
  const tags = JSON.parse(committed).modules.flatMap((module: { exports?: { kind: string; name: string }[] }) =>
    (module.exports ?? []).filter((entry) => entry.kind === 'custom-element-definition').map((entry) => entry.name),
  );
  expect(tags.sort()).toEqual(['rakis-node', 'rakis-prompt', 'rakis-quorum']);
}, 60_000);
