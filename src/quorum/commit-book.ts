import { computeInferenceId, type CommitBody, type CommitEntry, type InferenceRequestBody, type Packet } from '../protocol/index.js';
import type { CommitRejectionReason, QuorumEvent } from './events.js';
import { commitKey } from './reveal-list.js';
import type { QuorumSnapshot } from './snapshot.js';
import type { QuorumSchedule } from './timings.js';

const MAX_DECLINERS = 1_024;

/**
 * The commits of one request: the first commitment of each committer, the committers that committed
 * twice, and every commit signature already checked (so a reveal list need not check it again).
 */
export class CommitBook {
  private readonly byCommitter = new Map<string, CommitEntry>();
  /** Commits whose signature was already checked, keyed by everything the signature covers. */
  readonly knownSigs = new Set<string>();
  readonly flagged = new Set<string>();
  /** Workers that said they will not answer (bounded: only the requester's early close reads them). */
  readonly decliners = new Set<string>();

  constructor(
    private readonly request: Packet<InferenceRequestBody>,
    private readonly schedule: QuorumSchedule,
    private readonly emit: (event: QuorumEvent) => void,
  ) {}

  get size(): number {
    return this.byCommitter.size;
  }

  /** Why a request failed for want of commits. */
  shortfall(quorum: number): string {
    return `${this.size} of ${quorum} commits arrived before the window closed`;
  }

  entries(): IterableIterator<CommitEntry> {
    return this.byCommitter.values();
  }

  /** Whether `committer` committed (with this inferenceId, if given). */
  has(committer: string, inferenceId?: string): boolean {
    const entry = this.byCommitter.get(committer);
    return entry !== undefined && (inferenceId === undefined || entry.inferenceId === inferenceId);
  }

  /** The commitment of `committer`'s commit with this inferenceId, if this node holds it. */
  commitmentOf(committer: string, inferenceId: string): string | undefined {
    const entry = this.byCommitter.get(committer);
    return entry?.inferenceId === inferenceId ? entry.commitment : undefined;
  }

  find(inferenceId: string): CommitEntry | undefined {
    return [...this.byCommitter.values()].find((entry) => entry.inferenceId === inferenceId);
  }

  /** Takes one commit, and says whether it counts; `listFixed` says a reveal list was already adopted, so no commit can join any more. */
  receive(packet: Packet<CommitBody>, now: number, listFixed: boolean): boolean {
    const { from } = packet;
    const { inferenceId, commitment, model } = packet.body;
    const reject = (reason: CommitRejectionReason) => {
      this.emit({ type: 'commit-rejected', from, inferenceId, reason });
      return false;
    };
    const known = this.byCommitter.get(from);
    if (known) {
      if (known.commitment !== commitment) {
        // Keep the first commitment; a node that commits twice to one request is marked.
        this.flagged.add(from);
        return reject('equivocation');
      }
      this.emit({ type: 'duplicate', packetType: 'commit', from });
      return false;
    }
    if (computeInferenceId(this.request.body.requestId, from, commitment) !== inferenceId) return reject('bad-inference-id');
    if (!this.request.body.acceptedModels.includes(model)) return reject('model-not-accepted');
    if (packet.createdAt > this.schedule.commitDeadline || now > this.schedule.listAt) return reject('late');
    // An answer cannot be signed before the question was.
    if (packet.createdAt < this.request.createdAt) return reject('before-request');
    if (listFixed) return reject('after-list');
    const entry = { from, createdAt: packet.createdAt, inferenceId, commitment, model, sig: packet.sig };
    this.byCommitter.set(from, entry);
    this.knownSigs.add(commitKey(entry));
    this.emit({ type: 'commit', from, inferenceId, model });
    return true;
  }

  /** A worker declined; one that also commits counts as a committer. */
  decline(from: string): void {
    if (this.decliners.size < MAX_DECLINERS) this.decliners.add(from);
  }

  /** The committers, by synthientId. */
  committers(): ReadonlySet<string> {
    return new Set(this.byCommitter.keys());
  }

  snapshot(): QuorumSnapshot['commits'] {
    return [...this.byCommitter.values()].map(({ from, inferenceId, commitment, model, createdAt }) => ({ from, inferenceId, commitment, model, createdAt }));
  }
}
