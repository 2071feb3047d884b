import {
  LIMITS,
  decodePacket,
  encodePacket,
  signPacket,
  verifyPacketAsync,
  type Identity,
  type KnownPeer,
  type Packet,
  type PacketBody,
  type PeerStatusFields,
} from '../protocol/index.js';
import { systemScheduler, type Scheduler, type TimerHandle } from './clock.js';
import { DEFAULT_MESH_LIMITS, type MeshLimits } from './mesh-limits.js';
import { FallbackGate } from './fallback-gate.js';
import { answersNewcomers } from './gossip-choice.js';
import { copyKey } from './copy-key.js';
import { Intake, OFFENCES } from './intake.js';
import { Outbox, isAnnouncement } from './outbox.js';
import { PeerTable, type PeerInfo } from './peer-table.js';
import { SenderRateLimiter } from './rate-limit.js';
import { ClockOffset } from './clock-offset.js';
import { RecentIds } from './recent-ids.js';
import { SupervisedTransport, type TransportHealth } from './supervised-transport.js';

import type { Delivery, MeshDropReason, MeshOptions, MeshStats, PeersChange } from './mesh-types.js';

export type { Delivery, MeshDropReason, MeshOptions, MeshStats, PeersChange } from './mesh-types.js';

type PacketListener = (packet: Packet, delivery: Delivery) => void;
type PeersListener = (change: PeersChange) => void;

/** Debounce for hello/knownPeers after links or peers appear, so a burst of joins costs one announcement. */
const ANNOUNCE_DEBOUNCE_MS = 200;
/** Known-peers gossip at most this often: in a large network every join would otherwise make every node gossip. */
const GOSSIP_INTERVAL_MS = 10_000;
/** Peer-list changes within this span reach listeners as one. */
const PEERS_DEBOUNCE_MS = 100;
/** Forged copies remembered at most. */
const FORGED_MAX_IDS = 10_000;
/** How often silent peers are looked for. */
const SWEEP_MS = 1_000;

/**
 * The node's view of the network: sends each packet once to every linked node (over one of its links,
 * see LinkRoutes; its announcements on every link), and turns the untrusted bytes arriving on all of
 * them into verified packets, each delivered once. Every drop is counted by reason; nothing inbound
 * can make it throw.
 */
export class Mesh {
  readonly synthientId: string;
  private readonly identity: Identity;
  private readonly scheduler: Scheduler;
  private readonly limits: MeshLimits;
  private readonly presence: (() => PeerStatusFields) | undefined;
  private readonly transports: SupervisedTransport[];
  private readonly fallbackGate: FallbackGate;
  private readonly seen: RecentIds;
  /** Signatures of packets this node sent (ed25519 signatures are deterministic, so one names a packet), to ignore their echoes. */
  private readonly sentSigs: RecentIds;
  /**
   * Exact bytes already judged: an identical copy (the same packet over another transport) would meet
   * the same fate, so it is dropped before being parsed.
   */
  private readonly heardBytes: RecentIds;
  /** Copies being verified, keyed by id and signature (a forged copy must not shadow the real one). */
  private readonly verifying = new Set<string>();
  /** Per claimed sender, the verdict its latest packet waits for (bounded by the checks in flight). */
  private readonly verdictsInOrder = new Map<string, Promise<boolean>>();
  /** Copies whose signature failed, so their other copies are not verified again. */
  private readonly forged: RecentIds;
  private readonly rateLimiter: SenderRateLimiter;
  private readonly linkLimiter: SenderRateLimiter;
  private readonly intake: Intake;
  /** How far this node's clock is from its peers', from the packets it hears. */
  readonly clock = new ClockOffset();
  private readonly peerTable: PeerTable;
  private readonly packetListeners = new Set<PacketListener>();
  private readonly peersListeners = new Set<PeersListener>();
  private readonly counters: MeshStats = { received: 0, accepted: 0, verified: 0, sent: 0, drops: {} };
  private readonly linkCounts = new Map<string, number>();
  private helloTimer: TimerHandle | undefined;
  private gossipTimer: TimerHandle | undefined;
  private peersTimer: TimerHandle | undefined;
  /** Peers that joined or left since the last change reported. */
  private readonly joinedSince = new Set<string>();
  private readonly leftSince = new Set<string>();
  private sweepTimer: TimerHandle | undefined;
  private lastStatusAt = 0;
  private lastGossipAt = -Infinity;
  /** Packets leaving at the end of the tick, once per node (its routes tell which link reaches which node). */
  private readonly outbox: Outbox;
  private started = false;
  private closed = false;

  constructor(options: MeshOptions) {
    this.identity = options.identity;
    this.synthientId = options.identity.synthientId;
    this.scheduler = options.scheduler ?? systemScheduler;
    const { rate, linkRate, linkStrikes, restart, ...rest } = options.limits ?? {};
    this.limits = {
      ...DEFAULT_MESH_LIMITS,
      ...rest,
      rate: { ...DEFAULT_MESH_LIMITS.rate, ...rate },
      linkRate: { ...DEFAULT_MESH_LIMITS.linkRate, ...linkRate },
      linkStrikes: { ...DEFAULT_MESH_LIMITS.linkStrikes, ...linkStrikes },
      restart: { ...DEFAULT_MESH_LIMITS.restart, ...restart },
    };
    this.presence = options.presence;
    this.seen = new RecentIds(this.limits.dedupWindowMs, this.limits.dedupMaxIds);
    this.heardBytes = new RecentIds(this.limits.dedupWindowMs, this.limits.dedupMaxIds);
    this.sentSigs = new RecentIds(this.limits.dedupWindowMs, this.limits.dedupMaxIds);
    this.forged = new RecentIds(this.limits.dedupWindowMs, FORGED_MAX_IDS);
    this.rateLimiter = new SenderRateLimiter(this.limits.rate);
    this.linkLimiter = new SenderRateLimiter(this.limits.linkRate);
    this.peerTable = new PeerTable(this.synthientId, this.limits.maxGossipedPeers, this.limits.maxPeers);
    this.transports = options.transports.map(
      (factory) =>
        new SupervisedTransport(
          factory,
          this.scheduler,
          this.limits.restart,
          (message, transport, link) => this.intake.receive(message, transport, link),
          (transport, count) => this.linksChanged(transport, count),
        ),
    );
    this.outbox = new Outbox(this.transports, options.everyLink ?? false);
    const ownLinks = new Set(this.transports.filter((transport) => transport.ownLinks).map((transport) => transport.name));
    this.intake = new Intake(this.limits, ownLinks, () => this.scheduler.now(), {
      packet: (bytes, transport, link) => this.receivePacket(bytes, transport, link),
      refuse: (reason, count = 1) => {
        this.counters.received += count;
        this.drop(reason, undefined, undefined, count);
      },
    });
    this.fallbackGate = new FallbackGate(this.limits.fallbackAfterMs, () => {
      for (const transport of this.transports) if (transport.fallback) transport.start();
    });
  }

  /** Opens every transport but the fallbacks and begins announcing (if `presence` was given) and expiring peers. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (const transport of this.transports) if (!transport.fallback) transport.start();
    // Time alone counts from the start; the sweep opens the fallbacks once it reaches fallbackAfterMs.
    this.fallbackGate.observe(false, this.scheduler.now());
    // Transports without peer links (BroadcastChannel) hear this one; the others get one per new link.
    this.scheduleHello();
    this.scheduleSweep();
  }

  /** Signs `body` as this node, now, and sends it. */
  publish<B extends PacketBody>(body: B): Packet<B> {
    const packet = signPacket(this.identity, body, this.scheduler.now());
    this.send(packet);
    return packet;
  }

  /** Sends an already signed packet (e.g. from `signRequest`) to every linked node. */
  send(packet: Packet): void {
    this.sentSigs.add(packet.sig, this.scheduler.now());
    this.counters.sent++;
    this.outbox.add(encodePacket(packet), isAnnouncement(packet));
  }

  /** Sends bytes as they are, on every link, at the end of this tick; the receivers judge them. */
  protected sendRaw(bytes: Uint8Array): void {
    this.counters.sent++;
    this.outbox.add(bytes, true);
  }

  onPacket(listener: PacketListener): () => void {
    this.packetListeners.add(listener);
    return () => this.packetListeners.delete(listener);
  }

  onPeersChange(listener: PeersListener): () => void {
    this.peersListeners.add(listener);
    return () => this.peersListeners.delete(listener);
  }

  /** Nodes heard from directly, with what they last announced. */
  peers(): PeerInfo[] {
    return this.peerTable.peers();
  }

  /** How many nodes were heard from directly (what `peers()` would list, without copying it). */
  get peerCount(): number {
    return this.peerTable.size;
  }

  /** Every node heard of, directly or through gossip, freshest first. */
  knownPeers(): KnownPeer[] {
    return this.peerTable.known();
  }

  stats(): MeshStats {
    return { ...this.counters, drops: { ...this.counters.drops } };
  }

  health(): TransportHealth[] {
    return this.transports.map((transport) => transport.health());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of [this.helloTimer, this.gossipTimer, this.sweepTimer, this.peersTimer]) if (timer) this.scheduler.clearTimeout(timer);
    await Promise.all(this.transports.map((transport) => transport.close()));
  }

  private async receivePacket(bytes: Uint8Array, transport: string, link: string): Promise<void> {
    if (this.closed) return;
    this.counters.received++;
    // Before the bytes are hashed or decoded.
    if (bytes.length > this.limits.maxPacketBytes) return this.drop('too-large');
    const now = this.scheduler.now();
    const bytesKey = copyKey(bytes);
    const linkKey = `${transport}:${link}`;
    if (this.heardBytes.has(bytesKey)) {
      this.outbox.routes?.heard(bytesKey, linkKey);
      return this.drop('duplicate');
    }
    const decoded = decodePacket(bytes, { now, maxBytes: this.limits.maxPacketBytes });
    if (!decoded.ok) {
      // A packet from the future may be fine later; every other verdict on these bytes is final.
      if (decoded.reason !== 'future') this.heardBytes.add(bytesKey, now);
      if (decoded.packet) this.clock.sample(decoded.packet, now, (packet) => this.verifySignature(packet));
      return this.drop(decoded.reason, transport, link);
    }
    const { packet, id, signed } = decoded;
    const signedCopy = `${id}:${packet.sig}`;
    // Only a packet in this node's name can be an echo of its own.
    if (this.seen.has(id) || (packet.from === this.synthientId && this.sentSigs.has(packet.sig)) || this.verifying.has(signedCopy)) return this.drop('duplicate');
    if (this.forged.has(signedCopy)) return this.drop('bad-signature', transport, link);
    // Throttled bytes are not remembered: the same packet may come back once its link has tokens.
    if (this.linkLimiter.take(linkKey, now) !== 'ok') return this.drop('link-limited');
    this.heardBytes.add(bytesKey, now);
    const announcement = isAnnouncement(packet);
    if (announcement) this.outbox.routes?.heard(bytesKey, linkKey, packet.from);
    this.verifying.add(signedCopy);
    // Checks run in parallel, but one sender's verdicts are taken in the order its packets came, so its
    // budget is charged in the order it sent them, whichever check finishes first.
    const check = Promise.resolve(packet).then((checked) => this.verifySignature(checked, signed)).catch(() => false);
    const turn = (this.verdictsInOrder.get(packet.from) ?? Promise.resolve(true)).then(() => check);
    this.verdictsInOrder.set(packet.from, turn);
    const valid = await turn;
    this.verifying.delete(signedCopy);
    if (this.verdictsInOrder.get(packet.from) === turn) this.verdictsInOrder.delete(packet.from);
    this.counters.verified++;
    if (announcement) this.outbox.routes?.verified(bytesKey, valid);
    if (this.closed) return;
    if (!valid) {
      this.forged.add(signedCopy, this.scheduler.now());
      return this.drop('bad-signature', transport, link);
    }
    // Another copy of the same packet may have been accepted while this one was being verified.
    if (this.seen.has(id)) return this.drop('duplicate');
    // Only now, with the author proven, is its budget charged; a throttled packet may come again later.
    const verdict = this.rateLimiter.take(packet.from, this.scheduler.now());
    if (verdict !== 'ok') {
      this.heardBytes.delete(bytesKey);
      return this.drop(verdict);
    }
    this.seen.add(id, this.scheduler.now());
    this.clock.record(packet.from, now - packet.createdAt);
    this.counters.accepted++;
    this.accept(packet, { id, transport, link, bytes: bytes.length });
  }

  /** Checks the signature of a packet carried inside another (a reveal list's commits), as the mesh checks its own. */
  checkSignature(packet: Packet): Promise<boolean> {
    return Promise.resolve(packet)
      .then((checked) => this.verifySignature(checked))
      .catch(() => false);
  }

  /** Checks a packet's signature: WebCrypto Ed25519 where present, noble otherwise. `signed`: its signed bytes, when decoded already. */
  protected verifySignature(packet: Packet, signed?: Uint8Array): boolean | Promise<boolean> {
    return verifyPacketAsync(packet, signed);
  }

  private accept(packet: Packet, delivery: Delivery): void {
    // A node others already gossiped about has heard of the network; a new one needs a few answers, not
    // one from every node (which would make each node of a large network gossip on every join): the
    // gossip timer sends only if this node is among the few that answer (answersNewcomers).
    const known = this.peerTable.isGossiped(packet.from);
    const change = this.peerTable.heard(packet, delivery.transport, this.scheduler.now());
    if (change === 'joined' && !known) this.scheduleGossip();
    // A peer that left and came back before the change was reported never left for the listeners.
    if (change === 'joined' && !this.leftSince.delete(packet.from)) this.joinedSince.add(packet.from);
    for (const listener of this.packetListeners) safely(() => listener(packet, delivery));
    if (change !== 'unchanged') this.emitPeers();
  }

  /** With the link it came over, for what only a faulty sender sends. */
  private drop(reason: MeshDropReason, transport?: string, link?: string, count = 1): void {
    this.counters.drops[reason] = (this.counters.drops[reason] ?? 0) + count;
    if (link !== undefined && OFFENCES.has(reason)) this.intake.offend(transport!, link);
  }

  private linksChanged(transport: string, count: number): void {
    if (count > 0) this.outbox.loadRoutes(this.limits.maxPeers * 4);
    this.outbox.routes?.linksChanged(transport, this.transports.find((supervised) => supervised.name === transport)?.links() ?? []);
    const previous = this.linkCounts.get(transport) ?? 0;
    this.linkCounts.set(transport, count);
    if (count > previous) this.scheduleHello();
  }

  /** A new link may be a new node: tell it who we are. */
  private scheduleHello(): void {
    if (!this.presence || this.helloTimer || this.closed) return;
    this.helloTimer = this.scheduler.setTimeout(() => {
      this.helloTimer = undefined;
      this.announce('hello');
    }, ANNOUNCE_DEBOUNCE_MS);
  }

  /** A newly heard node learns the rest of the network from our known-peers list. */
  private scheduleGossip(): void {
    if (this.gossipTimer || this.closed) return;
    const delay = Math.max(ANNOUNCE_DEBOUNCE_MS, this.lastGossipAt + GOSSIP_INTERVAL_MS - this.scheduler.now());
    this.gossipTimer = this.scheduler.setTimeout(() => {
      this.gossipTimer = undefined;
      const now = this.scheduler.now();
      if (!answersNewcomers(this.identity.synthientId, this.peerTable.directIds(), Math.floor(now / GOSSIP_INTERVAL_MS))) return;
      this.lastGossipAt = now;
      const peers = this.peerTable.gossip(LIMITS.knownPeers);
      if (peers.length > 0) this.publish({ type: 'knownPeers', peers });
    }, delay);
  }

  /** Sends this node's status now, after something it announces changed (role, models, tokens served). */
  announceStatus(): void {
    if (this.started) this.announce('status');
  }

  private announce(type: 'hello' | 'status'): void {
    const presence = this.presence;
    if (!presence || this.closed) return;
    this.lastStatusAt = this.scheduler.now();
    // The node's presence callback failing must not stop the sweep that keeps the peer table fresh.
    safely(() => this.publish({ type, ...presence() }));
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.scheduler.setTimeout(() => {
      if (this.closed) return;
      const now = this.scheduler.now();
      const left = this.peerTable.expire(now, this.limits.peerTimeoutMs);
      for (const id of left) if (!this.joinedSince.delete(id)) this.leftSince.add(id);
      if (left.length > 0) this.emitPeers();
      for (const transport of this.transports) transport.watchRelays();
      // Other tabs of this browser (BroadcastChannel) do not connect this node to the network.
      this.fallbackGate.observe(this.peerTable.anyOutside('broadcast'), now);
      if (now - this.lastStatusAt >= this.limits.statusIntervalMs) this.announce('status');
      this.scheduleSweep();
    }, SWEEP_MS);
  }

  /** The peer list once per `PEERS_DEBOUNCE_MS`: in a large network every status heard would otherwise copy it. */
  private emitPeers(): void {
    if (this.peersListeners.size === 0 || this.peersTimer || this.closed) return;
    this.peersTimer = this.scheduler.setTimeout(() => {
      this.peersTimer = undefined;
      const joined = [...this.joinedSince].flatMap((id) => this.peerTable.peer(id) ?? []);
      const change: PeersChange = { joined, left: [...this.leftSince], peers: () => this.peerTable.peers() };
      this.joinedSince.clear();
      this.leftSince.clear();
      for (const listener of this.peersListeners) safely(() => listener(change));
    }, PEERS_DEBOUNCE_MS);
  }
}

/** A callback's bug (a listener, the presence) must not stop delivery to the others, nor break the mesh. */
function safely(run: () => void): void {
  try {
    run();
  } catch (error) {
    console.error('rakis mesh callback failed:', error);
  }
}
