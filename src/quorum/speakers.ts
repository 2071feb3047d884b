import type { RevealList } from './reveal-list.js';

/** What a node knows that decides who speaks for a request. */
export interface SpeakerContext {
  requester: string;
  list: RevealList | undefined;
  /** Whether this node holds a commit of `node` (read only before a list is fixed). */
  committed: (node: string) => boolean;
}

/**
 * Who broadcasts for a request: the requester and the committers of the reveal list (before a list is
 * fixed, the nodes a commit was seen from). Only they attest, announce rejections, fix a fallback list
 * and announce digests; every other node verifies quietly (or follows their attestations), so what a
 * node sends and receives per request grows with the list, not with the network. Every packet that
 * shapes a result is authored by one of them, so their digests name all of it.
 */
export function speaksFor(node: string, { requester, list, committed }: SpeakerContext): boolean {
  if (node === requester) return true;
  return list ? list.entries.some((entry) => entry.from === node) : committed(node);
}
