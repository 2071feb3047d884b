export * from './events.js';
export * from './quorum.js';
export * from './snapshot.js';
export * from './timings.js';
export * from './holdings.js';
export { commitKey, entryCommit } from './reveal-list.js';
