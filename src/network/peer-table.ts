import type { KnownPeer, Packet, PeerRole } from '../protocol/index.js';

/** What this node knows of another node it has heard from directly. */
export interface PeerInfo {
  synthientId: string;
  /** Transports its packets arrived on. */
  transports: string[];
  firstSeen: number;
  lastSeen: number;
  /** From its latest hello/status; unknown until one arrives. */
  role: PeerRole | undefined;
  models: string[];
  embeddingModels: string[];
  tokensServed: number;
  client: string | undefined;
}

export type PeerChange = 'joined' | 'updated' | 'unchanged';

/**
 * Peers heard from directly (any verified packet keeps one alive; hello/status fill in what it runs),
 * and peers only heard of through others' knownPeers gossip. Both forget the silent after a timeout,
 * and both are bounded: past the limit the least recently heard is forgotten first.
 */
export class PeerTable {
  /** In the order last heard from, least recent first. */
  private readonly direct = new Map<string, PeerInfo>();
  private readonly shared = new SharedLists();
  private readonly gossiped = new Map<string, KnownPeer>();

  constructor(
    private readonly selfId: string,
    private readonly maxGossiped: number,
    private readonly maxDirect = 1024,
  ) {}

  /** Peers heard from directly. */
  get size(): number {
    return this.direct.size;
  }

  heard(packet: Packet, transport: string, now: number): PeerChange {
    let peer = this.direct.get(packet.from);
    const joined = !peer;
    if (peer) {
      this.direct.delete(packet.from);
      this.direct.set(packet.from, peer);
    } else {
      if (this.direct.size >= this.maxDirect) this.direct.delete(this.direct.keys().next().value!);
      peer = {
        synthientId: packet.from,
        transports: [],
        firstSeen: now,
        lastSeen: now,
        role: undefined,
        models: [],
        embeddingModels: [],
        tokensServed: 0,
        client: undefined,
      };
      this.direct.set(packet.from, peer);
      this.gossiped.delete(packet.from);
    }
    peer.lastSeen = now;
    let changed = false;
    if (!peer.transports.includes(transport)) {
      peer.transports = this.shared.of([...peer.transports, transport].sort());
      changed = true;
    }
    const { body } = packet;
    if (body.type === 'hello' || body.type === 'status') {
      Object.assign(peer, {
        role: body.role,
        models: this.shared.of(body.models),
        embeddingModels: this.shared.of(body.embeddingModels),
        tokensServed: body.tokensServed,
        client: this.shared.of([body.client])[0],
      });
      changed = true;
    }
    if (body.type === 'knownPeers') this.mergeGossip(body.peers, now);
    return joined ? 'joined' : changed ? 'updated' : 'unchanged';
  }

  /** Removes peers silent for longer than `timeoutMs`; returns the direct peers removed. */
  expire(now: number, timeoutMs: number): string[] {
    const removed: string[] = [];
    // Least recently heard first: the scan stops at the first peer still alive, so a sweep costs what it removes.
    for (const [id, peer] of this.direct) {
      if (now - peer.lastSeen <= timeoutMs) break;
      this.direct.delete(id);
      removed.push(id);
    }
    for (const [id, peer] of this.gossiped) if (now - peer.lastSeen > timeoutMs) this.gossiped.delete(id);
    return removed;
  }

  /** Ids of the peers heard from directly. */
  directIds(): IterableIterator<string> {
    return this.direct.keys();
  }

  /** Whether `id` is known only through others' gossip (the network already knows of it). */
  isGossiped(id: string): boolean {
    return this.gossiped.has(id);
  }

  /** Whether some direct peer was heard on a transport other than `transport`; stops at the first. */
  anyOutside(transport: string): boolean {
    for (const peer of this.direct.values()) if (peer.transports.some((name) => name !== transport)) return true;
    return false;
  }

  /** One direct peer, as `peers()` gives it. */
  peer(id: string): PeerInfo | undefined {
    const found = this.direct.get(id);
    return found && { ...found };
  }

  peers(): PeerInfo[] {
    return [...this.direct.values()].map((peer) => ({ ...peer }));
  }

  /** Every node heard of, directly or through gossip, most recently seen first. */
  known(): KnownPeer[] {
    const direct = [...this.direct.values()].map(({ synthientId, models, lastSeen }) => ({ synthientId, models, lastSeen }));
    return [...direct, ...this.gossiped.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /** What to gossip: the freshest direct peers. */
  gossip(limit: number): KnownPeer[] {
    return this.known()
      .filter((peer) => this.direct.has(peer.synthientId))
      .slice(0, limit);
  }

  private mergeGossip(peers: KnownPeer[], now: number): void {
    for (const peer of peers) {
      if (peer.synthientId === this.selfId || this.direct.has(peer.synthientId)) continue;
      // A gossiper's clock is not ours: never believe a peer was seen after now.
      const lastSeen = Math.min(peer.lastSeen, now);
      const previous = this.gossiped.get(peer.synthientId);
      if (previous && previous.lastSeen >= lastSeen) continue;
      this.gossiped.delete(peer.synthientId);
      this.gossiped.set(peer.synthientId, { synthientId: peer.synthientId, models: peer.models, lastSeen });
    }
    while (this.gossiped.size > this.maxGossiped) {
      const oldest = this.gossiped.keys().next().value;
      if (oldest === undefined) break;
      this.gossiped.delete(oldest);
    }
  }
}

/**
 * One shared, frozen copy of each list of strings peers announce (models, embedding models, clients,
 * transports): a thousand peers mostly announce a few of them, and a copy per peer per node adds up.
 * Bounded: past the limit it starts afresh (peers keep the copies they hold).
 */
class SharedLists {
  private readonly lists = new Map<string, readonly string[]>();

  constructor(private readonly max = 256) {}

  of(items: readonly string[]): string[] {
    const key = JSON.stringify(items);
    let shared = this.lists.get(key);
    if (!shared) {
      if (this.lists.size >= this.max) this.lists.clear();
      shared = Object.freeze([...items]);
      this.lists.set(key, shared);
    }
    return shared as string[];
  }
}
