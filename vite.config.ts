import { defineConfig } from 'vite';
import { libp2pWebrtcPatch } from './tools/libp2p-webrtc-patch.js';
import { cssLiterals } from './tools/css-literals.js';
import { litPolicyName } from './tools/lit-policy-name.js';
import { ortWasmNoInline } from './tools/ort-wasm-no-inline.js';

// Two shapes from one source:
// - default mode: ESM library for bundlers (dist/esm, code-split, dependencies external);
// - `--mode bundle`: the single script-tag file dist/rakis.js that registers the elements on load,
//   with heavy engines left as lazily imported chunks beside it.
export default defineConfig(({ mode }) =>
  mode === 'bundle'
    ? {
        // An application build rather than lib mode: lib mode leaves ES output unminified, and a
        // script-tag file is downloaded as is. Dynamic imports become chunks named rakis-*.js beside it.
        // Chunks are found relative to rakis.js, wherever a site serves it from.
        base: './',
        // Our copy of Lit creates its Trusted Types policy under a name of its own, so it can sit beside a page's Lit.
        // and @libp2p/webrtc gets its init-channel race fixed (tools/libp2p-webrtc-patch.ts); the elements'
        // stylesheets lose their comments and layout whitespace (tools/css-literals.ts).
        plugins: [litPolicyName(), libp2pWebrtcPatch(), cssLiterals()],
        // Engine workers code-split their ML runtimes, which only ES-module workers can do.
        worker: { format: 'es' },
        build: {
          outDir: 'dist',
          emptyOutDir: false,
          target: 'es2022',
          // terser packs the script-tag file about 3% smaller than esbuild (the 60 KB follower budget).
          minify: 'terser',
          terserOptions: { ecma: 2020, module: true, compress: { passes: 2 } },
          copyPublicDir: false,
          rollupOptions: {
            input: 'src/bundle.ts',
            preserveEntrySignatures: 'allow-extension',
            output: { format: 'es', entryFileNames: 'rakis.js', chunkFileNames: 'rakis-[name]-[hash].js' },
          },
        },
      }
    : {
        // Files the library emits (workers, onnxruntime's wasm) are found relative to the chunk naming them.
        base: './',
        // Each worker is one file: a site's Vite build took our engine worker's file as it was and copied
        // none of the chunks it imports, so its import() of the embedding runtime failed (404). Without
        // the plugin the worker would carry onnxruntime's wasm inlined (library mode inlines every asset).
        worker: { format: 'es', plugins: () => [ortWasmNoInline()], rollupOptions: { output: { inlineDynamicImports: true } } },
        build: {
          outDir: 'dist/esm',
          target: 'es2022',
          lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'index.js' },
          rollupOptions: { external: [/^libp2p/, /^@libp2p\//, /^@multiformats\//, /^@noble\//, /^@huggingface\//, /^@mlc-ai\//, /^@trystero-p2p\//, /^trystero/, /^lit/, /^idb-keyval/] },
        },
      },
);
