export * from './protocol/index.js';
export * from './consensus/index.js';
export * from './quorum/index.js';
export * from './node/index.js';
