// The element classes, without registering any tag (import elements/register.js, or the script-tag bundle, for that).
export { RakisNodeElement, type RakisNodeState } from './rakis-node/rakis-node.component.js';
export { RakisPromptElement, type RakisPromptState } from './rakis-prompt/rakis-prompt.component.js';
export { RakisQuorumElement, type RakisQuorumState } from './rakis-quorum/rakis-quorum.component.js';
