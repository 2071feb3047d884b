import type { ExportedIdentity } from '../protocol/index.js';
import type { SealedIdentity } from './identity-vault.js';

/** Keys of the single-value records (the packet log and results own their key prefixes). */
export const IDENTITY_KEY = 'identity';
export const SETTINGS_KEY = 'settings';
export const QUORUM_PREFIX = 'quorums/';

/** How the identity is kept: as is, or sealed with a password. */
export type IdentityRecord = { kind: 'plain'; identity: ExportedIdentity } | { kind: 'encrypted'; sealed: SealedIdentity };
