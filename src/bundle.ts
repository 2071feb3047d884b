// The script-tag entry (dist/rakis.js): registers <rakis-node>, <rakis-prompt> and <rakis-quorum> and
// defines nothing else global. The prompt is defined at once; the node's widget and the quorum view
// are downloaded and defined when the page first holds one (a page that only asks needs neither).
// Its exports serve pages that `import` from it instead; engines stay out of it, loaded lazily by the
// node when a visitor agrees to contribute.
import '../elements/rakis-prompt/rakis-prompt.js';
import { defineOnUse } from '../elements/define-on-use.js';

defineOnUse({
  'rakis-node': () => import('../elements/rakis-node/rakis-node.js'),
  'rakis-quorum': () => import('../elements/rakis-quorum/rakis-quorum.js'),
});

export { RakisPromptElement } from '../elements/rakis-prompt/rakis-prompt.component.js';
export { FRAME_PRESETS, RakisError, RakisNode, securityFrame } from './node/index.js';
export { lazyRealEngineLoader as realEngineLoader } from './node/lazy-engine-loader.js';
// For a page that gives its node transports of its own making (`nodeOptions.transports`) around the real ones.
export { libp2pTransport, networkTransports } from './network/index.js';
