import type { PeerInfo } from '../../network/index.js';
import type { QuorumSnapshot } from '../../quorum/index.js';
import type { StoredResult } from '../../store/types.js';
import type { ContributeOptions } from '../engine-loader.js';
import type { NodeStatus } from '../node-events.js';
import { MAX_SNAPSHOTS, type LeaderMessage, type LinkState } from './messages.js';

/**
 * The site's node as a follower tab sees it: the leader's last state, kept current by its events.
 * Bounded: at most `MAX_SNAPSHOTS` request pictures, the oldest dropped first.
 */
export class FollowerView {
  leader: string | undefined;
  status: NodeStatus | undefined;
  peers: PeerInfo[] = [];
  results: StoredResult[] = [];
  contributing: ContributeOptions | undefined;
  private contributors: Record<string, string[]> = {};
  private readonly snapshots = new Map<string, QuorumSnapshot>();

  /** Takes in a leader's message; true when it comes from a leader this tab had not heard yet. */
  apply(message: LeaderMessage): boolean {
    const isNew = message.leader !== this.leader;
    this.leader = message.leader;
    if (message.kind === 'state') this.replace(message.state);
    else if (message.kind === 'results') this.results = message.results;
    else if (message.kind === 'event') {
      if (message.type === 'status') this.status = message.event as NodeStatus;
      if (message.type === 'peers') this.peers = message.event as PeerInfo[];
      if (message.snapshot) this.keep(message.snapshot);
      if (message.contributors) this.contributors = message.contributors;
    }
    return isNew;
  }

  quorum(requestId: string): QuorumSnapshot | undefined {
    return this.snapshots.get(requestId);
  }

  requests(): QuorumSnapshot[] {
    return [...this.snapshots.values()].sort((a, b) => b.schedule.commitDeadline - a.schedule.commitDeadline);
  }

  knownContributors(models: readonly string[]): Set<string> {
    return new Set(models.flatMap((model) => this.contributors[model] ?? []));
  }

  private replace(state: LinkState): void {
    this.status = state.status;
    this.peers = state.peers;
    this.results = state.results;
    this.contributors = state.contributors;
    this.contributing = state.contributing;
    this.snapshots.clear();
    for (const snapshot of [...state.snapshots].reverse()) this.keep(snapshot);
  }

  private keep(snapshot: QuorumSnapshot): void {
    this.snapshots.delete(snapshot.requestId);
    this.snapshots.set(snapshot.requestId, snapshot);
    if (this.snapshots.size > MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
  }
}
