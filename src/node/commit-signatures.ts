import { RecentIds } from '../network/recent-ids.js';
import { TIME_WINDOW, verifyPacket, type CommitBody, type Packet, type RevealRequestBody } from '../protocol/index.js';
import { commitKey, entryCommit } from '../quorum/index.js';

/** Commit signatures remembered as checked; a reveal list names at most 512, so this holds several. */
const REMEMBERED = 8_192;

/** Everything the signature covers, request included (the inferenceId is derived from these and checked on its own). */
const keyOf = ({ from, createdAt, body, sig }: Packet<CommitBody>) => `${body.requestId}:${commitKey({ from, createdAt, commitment: body.commitment, model: body.model, sig })}`;

/**
 * Commit signatures this node has checked: those of the commits the mesh accepted, and those of the
 * entries of a reveal list, checked before the list reaches its quorum with the platform's native
 * Ed25519 (asynchronously, in parallel) rather than one by one in JavaScript while the page waits. The
 * quorum's own check asks here first and falls back to the pure rule for anything not checked here.
 */
export class CommitSignatures {
  private readonly checked = new RecentIds(TIME_WINDOW.maxAgeMs + TIME_WINDOW.futureSkewMs, REMEMBERED);

  constructor(
    private readonly check: (packet: Packet) => Promise<boolean>,
    private readonly now: () => number,
  ) {}

  /** A commit whose signature the mesh verified. */
  accepted(packet: Packet<CommitBody>): void {
    this.checked.add(keyOf(packet), this.now());
  }

  /** Checks the entries of a reveal list not checked before; resolves once all are judged. */
  async checkList(list: Packet<RevealRequestBody>): Promise<void> {
    const { requestId, commits } = list.body;
    const pending = commits.map((entry) => entryCommit(requestId, entry)).filter((commit) => !this.checked.has(keyOf(commit)));
    const verdicts = await Promise.all(pending.map((commit) => this.check(commit)));
    pending.forEach((commit, i) => verdicts[i] && this.checked.add(keyOf(commit), this.now()));
  }

  /** The quorum's check: a signature checked here, or else the pure rule. */
  readonly verify = (packet: Packet<CommitBody>): boolean => this.checked.has(keyOf(packet)) || verifyPacket(packet);
}
