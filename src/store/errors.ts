import { StoreError } from './types.js';

/** DOMException names browsers use for a full origin quota (the second is older Firefox). */
const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/**
 * Maps anything a backend throws to a StoreError, so callers only ever see the store's codes.
 * DOMExceptions come from IndexedDB or structured cloning; any other error is our own code meeting
 * data it cannot read.
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const message = String((error as { message?: unknown } | null)?.message ?? error);
  if (typeof name === 'string' && QUOTA_NAMES.has(name)) return new StoreError('quota-exceeded', `storage quota exceeded (${name}) ${message}`.trim());
  if (name === 'DataCloneError') return new StoreError('corrupt', `value cannot be stored: ${message}`);
  if (typeof DOMException !== 'undefined' && error instanceof DOMException) {
    return new StoreError('unavailable', `IndexedDB failed (${name}): ${message}`);
  }
  return new StoreError('corrupt', `stored data is unreadable: ${message}`);
}
