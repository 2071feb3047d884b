import { decodePacket, verifyPacketAsync } from '../../protocol/index.js';
import type { ContributeOptions } from '../engine-loader.js';
import { RakisError } from '../errors.js';
import type { SignedRequest } from '../node-api.js';
import type { RakisNodeEvents } from '../node-events.js';
import type { RakisNode } from '../rakis-node.js';
import { FORWARDED_EVENTS, MAX_RESULTS, MAX_SNAPSHOTS, type FollowerMessage, type LeaderMessage, type LinkState } from './messages.js';

/**
 * The leader tab's side of the link: answers the other tabs' calls on its node and forwards the node's
 * events to them. A request another tab hands over is checked (it decodes, is signed by this node's
 * identity, and verifies) before the node sends it.
 */
export class LeaderHost {
  /** What the node was asked to contribute (a tab that takes over contributes the same). */
  contributing: ContributeOptions | undefined;
  /** Messages from other tabs dropped as malformed or refused. */
  refused = 0;
  private loading: { key: string; promise: Promise<void> } | undefined;
  private resultsQueued = false;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly node: RakisNode,
    private readonly leader: string,
    private readonly post: (message: LeaderMessage) => void,
    /** Every event of the node, for this tab's own listeners. */
    private readonly local: <K extends keyof RakisNodeEvents>(type: K, event: RakisNodeEvents[K]) => void,
    private readonly now: () => number = Date.now,
  ) {
    for (const type of FORWARDED_EVENTS) this.offs.push(node.on(type, (event) => this.forward(type, event)));
  }

  /** Tells every tab that this one runs the node now, and what it holds. */
  announce(): void {
    this.post({ kind: 'state', leader: this.leader, state: this.state() });
  }

  state(): LinkState {
    const node = this.node;
    return {
      status: node.status,
      peers: node.peers,
      results: node.results.slice(0, MAX_RESULTS),
      snapshots: node.requests().slice(0, MAX_SNAPSHOTS),
      contributors: this.contributors(),
      contributing: this.contributing,
    };
  }

  async receive(message: FollowerMessage): Promise<void> {
    switch (message.kind) {
      case 'hello':
        return this.announce();
      case 'submit':
        for (const wire of message.packets) await this.submit(wire);
        // What settled while that tab waited for a leader.
        return this.post({ kind: 'results', leader: this.leader, results: this.node.results.slice(0, MAX_RESULTS) });
      case 'call': {
        const reply = (error?: { code: string; message: string }) =>
          this.post({ kind: 'reply', leader: this.leader, tab: message.tab, callId: message.callId, ...(error ? { error } : {}) });
        if (message.method === 'cancel-contribute') return reply(this.cancelContribute());
        try {
          await this.contribute(message.options);
          reply();
        } catch (error) {
          reply({ code: error instanceof RakisError ? error.code : 'engine', message: (error as Error).message });
        }
      }
    }
  }

  /** Contributes once for every tab: the same options while a load runs or after it succeeded load nothing again. */
  contribute(options: ContributeOptions): Promise<void> {
    const key = JSON.stringify([options.models, options.embeddingModels, options.modelBaseUrl ?? null]);
    const changed = JSON.stringify(this.contributing) !== JSON.stringify(options);
    this.contributing = options;
    if (changed) this.announce();
    if (this.loading?.key === key) return this.loading.promise;
    const served = this.node.status.models;
    if (this.node.role === 'worker' && options.models.every((model) => served.includes(model))) return Promise.resolve();
    const promise = this.node.contribute(options).finally(() => {
      if (this.loading?.promise === promise) this.loading = undefined;
    });
    this.loading = { key, promise };
    return promise;
  }

  cancelContribute(): undefined {
    this.contributing = undefined;
    this.node.cancelContribute();
    this.announce();
    return undefined;
  }

  stop(): void {
    this.offs.forEach((off) => off());
  }

  private async submit(wire: string): Promise<void> {
    const decoded = decodePacket(new TextEncoder().encode(wire), { now: this.now() });
    const packet = decoded.ok ? (decoded.packet as SignedRequest) : undefined;
    if (!packet || packet.body.type !== 'inferenceRequest' || packet.from !== this.node.synthientId || !(await verifyPacketAsync(packet))) {
      this.refused++;
      return;
    }
    try {
      this.node.submit(packet);
    } catch {
      this.refused++;
    }
  }

  private forward<K extends (typeof FORWARDED_EVENTS)[number]>(type: K, event: RakisNodeEvents[K]): void {
    this.local(type, event);
    const extra =
      type === 'request-change'
        ? { snapshot: this.node.quorum((event as RakisNodeEvents['request-change']).requestId) }
        : type === 'status'
          ? { contributors: this.contributors() }
          : {};
    this.post({ kind: 'event', leader: this.leader, type, event, ...extra } as LeaderMessage);
    if ((type === 'consensus' || type === 'failed') && !this.resultsQueued) {
      // After the settled result is in `results` (the node adds it right after the event).
      this.resultsQueued = true;
      queueMicrotask(() => {
        this.resultsQueued = false;
        this.post({ kind: 'results', leader: this.leader, results: this.node.results.slice(0, MAX_RESULTS) });
      });
    }
  }

  /** Who the node knows to serve each model it or its peers advertise. */
  private contributors(): Record<string, string[]> {
    const models = new Set([...this.node.status.models, ...this.node.peers.flatMap((peer) => peer.models)]);
    return Object.fromEntries([...models].map((model) => [model, [...this.node.knownContributors([model])]]));
  }
}
