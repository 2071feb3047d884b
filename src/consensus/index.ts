export * from './binary-embedding.js';
export * from './decide.js';
export * from './hamming.js';
export * from './thresholds.js';
export * from './json-decide.js';
