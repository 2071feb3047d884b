import { compareHex, computeInferenceId, computeListHash, LIMITS, type CommitBody, type CommitEntry, type InferenceRequestBody, type Packet } from '../protocol/index.js';
import type { RevealListRejectionReason } from './events.js';
import type { QuorumSnapshot } from './snapshot.js';

/** A reveal list a node adopted: who fixed it, and its entries in list order. */
export interface RevealList {
  from: string;
  byRequester: boolean;
  entries: CommitEntry[];
  listHash: string;
}

export function revealList(from: string, byRequester: boolean, entries: CommitEntry[]): RevealList {
  return { from, byRequester, entries, listHash: computeListHash(entries.map((entry) => entry.commitment)) };
}

export function listSnapshot(list: RevealList): NonNullable<QuorumSnapshot['list']> {
  return { from: list.from, byRequester: list.byRequester, listHash: list.listHash, inferenceIds: list.entries.map((entry) => entry.inferenceId) };
}

/** The list a node fixes from the commits it holds: in list order, capped at the protocol's limit. */
export function listFromCommits(commits: Iterable<CommitEntry>): CommitEntry[] {
  return [...commits].sort(compareEntries).slice(0, LIMITS.revealList);
}

/** The requester's list wins; among others, the longer list, then the lower list hash. */
export function prefersList(candidate: RevealList, current: RevealList): boolean {
  if (candidate.byRequester !== current.byRequester) return candidate.byRequester;
  if (candidate.entries.length !== current.entries.length) return candidate.entries.length > current.entries.length;
  return compareHex(candidate.listHash, current.listHash) < 0;
}

/**
 * Reveal-list order: by commitment, then by inferenceId. Two committers can carry the same commitment
 * (one copied it under its own id; only the other can open it), so commitment order alone is not strict.
 */
export function compareEntries(a: CommitEntry, b: CommitEntry): number {
  return compareHex(a.commitment, b.commitment) || compareHex(a.inferenceId, b.inferenceId);
}

/** Everything a commit's signature covers, as one key. */
export function commitKey(entry: Pick<CommitEntry, 'from' | 'createdAt' | 'commitment' | 'model' | 'sig'>): string {
  return `${entry.from}:${entry.createdAt}:${entry.commitment}:${entry.model}:${entry.sig}`;
}

/** The commit packet a list entry stands for: its signature is the commit's, over these fields. */
export function entryCommit(requestId: string, entry: CommitEntry): Packet<CommitBody> {
  return {
    v: 1,
    from: entry.from,
    createdAt: entry.createdAt,
    body: { type: 'commit', requestId, inferenceId: entry.inferenceId, commitment: entry.commitment, model: entry.model },
    sig: entry.sig,
  };
}

export interface ListCheckContext {
  request: Packet<InferenceRequestBody>;
  commitDeadline: number;
  /** Commit signatures already checked (as `commitKey`s); entries verified here are added. */
  knownCommitSigs: Set<string>;
  verifyCommit: (packet: Packet<CommitBody>) => boolean;
}

/** Why a received reveal list cannot be adopted, or undefined when it can. */
export function checkRevealList(entries: CommitEntry[], context: ListCheckContext): { reason: RevealListRejectionReason; detail: string } | undefined {
  const { request, commitDeadline, knownCommitSigs, verifyCommit } = context;
  const { requestId, securityFrame, acceptedModels } = request.body;
  if (entries.length < securityFrame.quorum) return { reason: 'too-few-commits', detail: `${entries.length} commits, quorum is ${securityFrame.quorum}` };
  const committers = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (i > 0 && compareEntries(entries[i - 1]!, entry) >= 0) {
      return { reason: 'not-sorted', detail: 'entries must be in strictly ascending (commitment, inferenceId) order' };
    }
    if (committers.has(entry.from)) return { reason: 'duplicate-committer', detail: `${entry.from} appears twice` };
    committers.add(entry.from);
    if (computeInferenceId(requestId, entry.from, entry.commitment) !== entry.inferenceId) {
      return { reason: 'bad-entry', detail: `entry ${i} has a wrong inferenceId` };
    }
    if (!acceptedModels.includes(entry.model)) return { reason: 'bad-entry', detail: `entry ${i} uses a model the request does not accept` };
    if (entry.createdAt > commitDeadline) return { reason: 'entry-after-deadline', detail: `entry ${i} was signed after the commit window` };
    if (entry.createdAt < request.createdAt) return { reason: 'bad-entry', detail: `entry ${i} was signed before the request` };
    const key = commitKey(entry);
    if (knownCommitSigs.has(key)) continue;
    if (!verifyCommit(entryCommit(requestId, entry))) return { reason: 'bad-entry-signature', detail: `entry ${i} is not signed by its committer` };
    knownCommitSigs.add(key);
  }
  return undefined;
}
