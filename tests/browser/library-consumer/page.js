// A site's own code, built by its own bundler (Vite here) from the ESM library: dist/esm, what
// `import … from 'rakis-elements'` resolves to. It contributes from script, with the engine worker and
// onnxruntime's wasm as the library emitted them (no wasm base URL given).
import { RakisNode } from '../../../dist/esm/index.js';

try {
  const node = await RakisNode.create({ network: 'rakis-library-consumer', relays: { strategies: [], broadcastChannel: true } });
  await node.contribute({ models: ['rakis-test/lm-mini'], embeddingModels: ['rakis-test/encoder-mini'], modelBaseUrl: '/models/' });
  window.libraryResult = { models: node.status.models };
} catch (error) {
  window.libraryResult = { error: String(error) };
}
