export * from './binary-embedding.js';
export * from './decide.js';
export * from './hamming.js';
export * from './thresholds.js';
export { rowsPerModel, withinEveryModel, type ModelRows } from './every-model.js';
export * from './json-decide.js';
