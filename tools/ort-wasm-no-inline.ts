import type { Plugin } from 'vite';

const ORT_BUNDLE = /[\\/]node_modules[\\/]onnxruntime-web[\\/]dist[\\/]ort\.webgpu\.bundle\.min\.mjs$/;
const WASM_URL = /new URL\((["'])(ort-wasm-simd-threaded\.asyncify\.wasm)\1,\s*import\.meta\.url\)/g;

/**
 * Keeps onnxruntime's 26 MB `.wasm` a file of its own in the ESM library build. Vite's library mode
 * inlines every asset that `new URL(…, import.meta.url)` names, whatever its size: the engine worker's
 * chunk carried the wasm as base64 (72 MB of JavaScript to download and parse, instead of a wasm file
 * compiled as it streams). `?no-inline` is Vite's way to say otherwise. Any chunk that still carries an
 * inlined wasm fails the build, rather than ship it again.
 */
export function ortWasmNoInline(): Plugin {
  return {
    name: 'rakis-ort-wasm-no-inline',
    enforce: 'pre',
    transform(code, id) {
      if (!ORT_BUNDLE.test(id)) return null;
      return { code: code.replace(WASM_URL, 'new URL($1$2?no-inline$1, import.meta.url)'), map: null };
    },
    generateBundle(_, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk' && output.code.includes('data:application/wasm')) this.error(`${output.fileName} carries an inlined wasm`);
      }
    },
  };
}
