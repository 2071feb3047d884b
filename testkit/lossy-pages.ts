import { fileURLToPath } from 'node:url';
import type { LossyHookConfig } from './pages/lossy-hook.js';

const HOOK = fileURLToPath(new URL('./pages/lossy-hook.ts', import.meta.url));

/**
 * The init script that makes a demo page's <rakis-node> lossy (see pages/lossy-hook.ts): one classic
 * script, bundled by Vite, for Playwright's `page.addInitScript({ content })`.
 */
export async function lossyHookScript(config: LossyHookConfig): Promise<string> {
  const { build } = await import('vite');
  const output = (await build({
    configFile: false,
    logLevel: 'warn',
    build: { write: false, minify: false, target: 'es2022', lib: { entry: HOOK, formats: ['iife'], name: 'rakisLossyHook' } },
  })) as { output: { type: string; code?: string }[] }[] | { output: { type: string; code?: string }[] };
  const chunk = (Array.isArray(output) ? output[0]! : output).output.find((item) => item.type === 'chunk')!;
  return `window.rakisLossConfig = ${JSON.stringify(config)};\n${chunk.code}`;
}
