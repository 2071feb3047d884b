// Registers <rakis-node>, <rakis-prompt> and <rakis-quorum> (the node first: the others look for it).
import './rakis-node/rakis-node.js';
import './rakis-prompt/rakis-prompt.js';
import './rakis-quorum/rakis-quorum.js';
