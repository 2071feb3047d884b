// The script-tag entry (dist/rakis.js): registers <rakis-node>, <rakis-prompt> and <rakis-quorum> and
// defines nothing else global. Its exports serve pages that `import` from it instead; engines stay
// out of it, loaded lazily by the node when a visitor agrees to contribute.
import '../elements/register.js';

export { RakisNodeElement, RakisPromptElement, RakisQuorumElement } from '../elements/index.js';
export { FRAME_PRESETS, RakisError, RakisNode, realEngineLoader, securityFrame } from './node/index.js';
// For a page that gives its node transports of its own making (`nodeOptions.transports`) around the real ones.
export { networkTransports } from './network/index.js';
