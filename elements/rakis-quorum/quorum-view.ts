import type { RejectionKind } from '../../src/node/index.js';
import { checked, requestIdAttribute } from '../shared/attributes.js';

/** Pure helpers of `<rakis-quorum>`: checking its request id and naming what a rejection turned down. */

/** The request the `request-id` attribute names (lower case), or undefined to follow the latest one; throws `RakisError('invalid-options')`. */
export function readRequestId(value: string | null): string | undefined {
  return value ? requestIdAttribute('request-id', value) : undefined;
}

/** Why the `request-id` attribute is wrong, naming it; undefined when it is fine. */
export function requestIdProblem(value: string | null): string | undefined {
  return checked(() => readRequestId(value)).problem;
}

/** What a rejection turned down, in the words the view uses. */
export const REJECTED: Record<RejectionKind, string> = {
  commit: 'commit',
  'reveal-list': 'reveal list',
  reveal: 'reveal',
  'remote-reveal': 'reveal (reported by a peer)',
};
