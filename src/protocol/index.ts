export * from './bytes.js';
export * from './canonical.js';
export * from './commitment.js';
export * from './embedding-models.js';
export * from './envelope.js';
export * from './identity.js';
export * from './limits.js';
export * from './packets.js';
export { checkBody, checkSecurityFrame, isBody } from './validate.js';
