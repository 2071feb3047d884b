export * from './engine-ports.js';
export * from './errors.js';
export * from './rakis-node.js';
export * from './request-handle.js';
export * from './security-frame.js';
export type { JobState, JobUpdate, SkipReason } from './worker-role.js';
export * from './engine-loader.js';
export * from './from-attributes.js';
export { openNodeStore } from './open-store.js';
