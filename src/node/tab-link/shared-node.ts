import type { PeerInfo } from '../../network/index.js';
import { type Identity, type PeerRole, type SecurityFrame } from '../../protocol/index.js';
import type { QuorumSnapshot } from '../../quorum/index.js';
import type { StoredResult } from '../../store/types.js';
import { Emitter } from '../emitter.js';
import type { ContributeOptions } from '../engine-loader.js';
import { RakisError } from '../errors.js';
import type { NodeApi } from '../node-api.js';
import type { NodeStatus, RakisNodeEvents } from '../node-events.js';
import type { RakisNode } from '../rakis-node.js';
import type { RequestHandle } from '../request-handle.js';
import { requestPacket } from '../request-packet.js';
import type { RequestParams } from '../security-frame.js';
import { FollowerView } from './follower-view.js';
import { LeaderHost } from './leader-host.js';
import { RequestTracker } from './request-tracker.js';
import { MAX_PENDING_CALLS, MAX_SUBMITTED, readFollowerMessage, readLeaderMessage, type FollowerMessage, type LeaderMessage } from './messages.js';
import { browserTabPlatform, type TabChannel, type TabPlatform } from './tab-platform.js';

export interface SharedNodeOptions {
  /** Names the lock and the channel: one node per name per origin. */
  name: string;
  network: string;
  /** The site's identity (in the store every tab of the site shares), for this tab to sign its requests. */
  identity: Identity;
  /** Builds the node when this tab leads (with that identity, from that store). */
  createNode: () => Promise<RakisNode>;
  platform?: TabPlatform;
  /** The clock requests are signed by; the real one by default (the node's, for a simulated one). */
  now?: () => number;
  /** How long a follower waits for the leader's state before giving up starting. */
  answerTimeoutMs?: number;
}

interface PendingCall {
  message: FollowerMessage & { kind: 'call' };
  resolve: () => void;
  reject: (error: RakisError) => void;
}

let tabs = 0;

/**
 * One node per site, however many tabs: the tab holding the site's lock runs the `RakisNode`; the others
 * use it over a BroadcastChannel, through the same `NodeApi`. When the leader tab closes, a waiting tab
 * gets the lock, builds the node from the shared store (same identity, open requests resumed from its
 * journal) and hands it the requests its own elements still wait for; every other tab hands over theirs.
 * A request handle lives in the tab that asked and is fed from the node's events, whichever tab runs it.
 */
export class SharedNode extends Emitter<RakisNodeEvents> implements NodeApi {
  readonly network: string;
  /** When this tab last became the leader (ms, `performance.now()`), for measurements. */
  ledSince: number | undefined;
  private readonly tab = `${Date.now().toString(36)}-${++tabs}-${Math.random().toString(36).slice(2)}`;
  private readonly platform: TabPlatform;
  private readonly view = new FollowerView();
  private readonly tracker = new RequestTracker();
  private readonly calls = new Map<number, PendingCall>();
  private nextCall = 0;
  private channel: TabChannel | undefined;
  private node: RakisNode | undefined;
  private host: LeaderHost | undefined;
  private readonly waiting = new AbortController();
  private release: (() => void) | undefined;
  private started = false;
  private stopped = false;
  /** This tab got the lock and is building the node (no other tab will answer). */
  private claimed = false;
  private settleStart: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(private readonly options: SharedNodeOptions) {
    super();
    this.network = options.network;
    this.platform = options.platform ?? browserTabPlatform;
  }

  /** Whether this tab runs the node. */
  get leading(): boolean {
    return this.node !== undefined;
  }

  get synthientId(): string {
    return this.options.identity.synthientId;
  }

  get role(): PeerRole {
    return this.node?.role ?? this.view.status?.role ?? 'observer';
  }

  get status(): NodeStatus {
    const status = this.node?.status ?? this.view.status;
    if (!status) throw new RakisError('not-started', 'start the node first');
    return status;
  }

  get peers(): PeerInfo[] {
    return this.node?.peers ?? this.view.peers;
  }

  get results(): readonly StoredResult[] {
    return this.node?.results ?? this.view.results;
  }

  knownContributors(models: readonly string[]): Set<string> {
    return this.node?.knownContributors(models) ?? this.view.knownContributors(models);
  }

  quorum(requestId: string): QuorumSnapshot | undefined {
    return this.node ? this.node.quorum(requestId) : this.view.quorum(requestId);
  }

  requests(): QuorumSnapshot[] {
    return this.node?.requests() ?? this.view.requests();
  }

  /** Resolves once this tab runs the node or hears the tab that does. */
  async start(): Promise<void> {
    if (this.stopped) throw new RakisError('stopped', 'this node was stopped; create a new one');
    if (this.started) return;
    this.started = true;
    const ready = new Promise<void>((resolve, reject) => (this.settleStart = { resolve, reject }));
    const channel = (this.channel = this.platform.channel(this.options.name));
    channel.onMessage((data) => void this.receive(data));
    this.platform.hold(this.options.name, this.waiting.signal, () => this.lead()).catch((error) => this.failStart(error));
    this.send({ kind: 'hello', tab: this.tab });
    const timeout = setTimeout(
      () => !this.claimed && this.failStart(new RakisError('network', `no answer from the tab that runs this site's node within ${this.options.answerTimeoutMs ?? 15_000} ms`)),
      this.options.answerTimeoutMs ?? 15_000,
    );
    try {
      await ready;
    } finally {
      clearTimeout(timeout);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.waiting.abort();
    this.tracker.close();
    for (const call of this.calls.values()) call.reject(new RakisError('stopped', 'this node was stopped'));
    this.calls.clear();
    this.host?.stop();
    await this.node?.stop();
    this.channel?.close();
    this.release?.();
  }

  /** Contributes through the node, whichever tab runs it; the engines load once for the site. */
  contribute(options: ContributeOptions): Promise<void> {
    if (this.stopped) return Promise.reject(new RakisError('stopped', 'this node was stopped'));
    if (this.host) return this.host.contribute(options);
    return this.call({ kind: 'call', tab: this.tab, callId: this.nextCall++, method: 'contribute', options });
  }

  cancelContribute(): void {
    if (this.host) this.host.cancelContribute();
    else void this.call({ kind: 'call', tab: this.tab, callId: this.nextCall++, method: 'cancel-contribute' }).catch(() => undefined);
  }

  /** Signs the request here (the site's identity) and hands it to the node, whichever tab runs it. */
  request(prompt: string, frame: SecurityFrame, params: RequestParams): RequestHandle {
    if (!this.started || this.stopped) throw new RakisError('not-started', 'start the node before sending requests');
    const packet = requestPacket(this.options.identity, prompt, frame, params, (this.options.now ?? Date.now)());
    const requestId = packet.body.requestId;
    const { stream, result, wire } = this.tracker.open(packet);
    if (this.node) this.node.submit(packet);
    else this.send({ kind: 'submit', tab: this.tab, packets: [wire] });
    return { requestId, events: stream, result, cancel: () => this.tracker.cancel(requestId), snapshot: () => this.quorum(requestId) };
  }

  /** Holds the lock: runs the node until this tab stops (or closes, which releases the lock). */
  private async lead(): Promise<void> {
    if (this.stopped) return;
    this.claimed = true;
    const held = new Promise<void>((resolve) => (this.release = resolve));
    let node: RakisNode;
    try {
      node = await this.options.createNode();
      await node.start();
    } catch (error) {
      this.failStart(error);
      return;
    }
    if (this.stopped) return void (await node.stop());
    if (node.synthientId !== this.synthientId) {
      await node.stop();
      return this.failStart(new RakisError('storage', "the site's stored identity changed under this tab"));
    }
    this.node = node;
    this.ledSince = performance.now();
    const leader = this.tab;
    this.host = new LeaderHost(node, leader, (message) => this.send(message), (type, event) => this.deliver(type, event), this.options.now);
    this.host.contributing = this.view.contributing;
    // The requests this tab's elements still wait for, which the journal may not have kept.
    for (const packet of this.tracker.packets()) node.submit(packet);
    this.tracker.settledIn(node.results);
    this.host.announce();
    this.settleStart?.resolve();
    this.settleStart = undefined;
    this.emit('status', node.status);
    this.emit('peers', node.peers);
    if (this.view.contributing) void this.host.contribute(this.view.contributing).catch(() => undefined);
    await held;
  }

  private async receive(data: unknown): Promise<void> {
    if (this.stopped) return;
    if (this.host) {
      const message = readFollowerMessage(data);
      if (message) await this.host.receive(message);
      else if (readLeaderMessage(data) === undefined) this.host.refused++;
      return;
    }
    const message = readLeaderMessage(data);
    if (!message) return;
    const newLeader = this.view.apply(message);
    if (message.kind === 'state') this.attached(newLeader);
    else if (message.kind === 'event') this.deliver(message.type, message.event as never);
    else if (message.kind === 'results') this.tracker.settledIn(message.results);
    else if (message.kind === 'reply' && message.tab === this.tab) {
      const call = this.calls.get(message.callId);
      this.calls.delete(message.callId);
      if (message.error) call?.reject(new RakisError(message.error.code as RakisError['code'], message.error.message));
      else call?.resolve();
    }
  }

  /** A leader's full state: the first one starts this tab; a new leader is handed what this tab waits for. */
  private attached(newLeader: boolean): void {
    if (newLeader) {
      const wires = this.tracker.wires();
      for (let i = 0; i < wires.length; i += MAX_SUBMITTED) this.send({ kind: 'submit', tab: this.tab, packets: wires.slice(i, i + MAX_SUBMITTED) });
      for (const call of this.calls.values()) this.send(call.message);
    }
    this.tracker.settledIn(this.view.results);
    this.settleStart?.resolve();
    this.settleStart = undefined;
    if (this.view.status) this.emit('status', this.view.status);
    this.emit('peers', this.view.peers);
  }

  private deliver<K extends keyof RakisNodeEvents>(type: K, event: RakisNodeEvents[K]): void {
    this.tracker.event(type, event);
    this.emit(type, event);
  }

  private call(message: FollowerMessage & { kind: 'call' }): Promise<void> {
    if (this.calls.size >= MAX_PENDING_CALLS) return Promise.reject(new RakisError('network', 'too many calls waiting on the tab that runs this node'));
    return new Promise<void>((resolve, reject) => {
      this.calls.set(message.callId, { message, resolve, reject });
      this.send(message);
    });
  }

  private send(message: FollowerMessage | LeaderMessage): void {
    try {
      this.channel?.post(message);
    } catch (error) {
      // A value the channel cannot clone: the other tabs miss one update, this tab carries on.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** Before the start resolved, it rejects; after (a takeover that could not build the node), an `error` event says why. */
  private failStart(error: unknown): void {
    const settle = this.settleStart;
    this.settleStart = undefined;
    if (settle) return settle.reject(error);
    if (!this.stopped) this.emit('error', { code: error instanceof RakisError ? error.code : 'storage', message: `this tab could not take over the site's node: ${(error as Error).message}` });
  }
}
