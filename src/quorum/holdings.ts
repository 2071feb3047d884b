import { hexToBytes, packetId, sha256Hex, shortPacketId, type Packet } from '../protocol/index.js';

/**
 * The packets a node keeps about one request because they shape its result: the request, the commits
 * it counted, the reveal list it adopted, the openings it kept and the attestations it tallied. Named
 * by short id, they are what a digest announces and what peers that miss them may ask for.
 */
/** Refused ids remembered per request at most (the oldest forgotten first). */
const REFUSED_MAX = 1_024;

export class Holdings {
  private readonly byId = new Map<string, Packet>();
  /** Short ids of packets this node received and will not keep: asking peers for them again would be in vain. */
  private readonly refusedIds = new Set<string>();
  private summaryCache: { ids: string[]; count: number; hash: string } | undefined;

  /** Keeps a packet; returns its short id. */
  add(packet: Packet): string {
    const id = shortPacketId(packetId(packet));
    this.byId.set(id, packet);
    this.summaryCache = undefined;
    return id;
  }

  remove(id: string): void {
    if (this.byId.delete(id)) this.summaryCache = undefined;
  }

  /** A packet this node received and did not keep (a commit after its list moment, a second commitment). */
  refuse(packet: Packet): void {
    const id = shortPacketId(packetId(packet));
    if (this.byId.has(id) || this.refusedIds.has(id)) return;
    if (this.refusedIds.size >= REFUSED_MAX) this.refusedIds.delete(this.refusedIds.values().next().value!);
    this.refusedIds.add(id);
  }

  refuses(id: string): boolean {
    return this.refusedIds.has(id);
  }

  /**
   * Once a reveal list is fixed, the commits it does not name shape nothing: they are forgotten (and
   * refused from then on). A commit one node took in time and another refused as late would otherwise
   * make every node that refused it ask for it again and again, and a late committer could make every
   * node of the network ask.
   */
  forgetUnlisted(listed: ReadonlySet<string>): void {
    for (const [id, packet] of this.byId) {
      if (packet.body.type !== 'commit' || listed.has(packet.body.inferenceId)) continue;
      this.remove(id);
      this.refusedIds.add(id);
    }
  }

  get(id: string): Packet | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every short id, ascending, with their count and hash (see `holdingsSummary`); kept until the holdings change. */
  summary(): { ids: string[]; count: number; hash: string } {
    if (!this.summaryCache) {
      const ids = [...this.byId.keys()].sort();
      this.summaryCache = { ids, ...holdingsSummary(ids) };
    }
    return this.summaryCache;
  }
}

/** What a digest says of a set of held packets: how many, and SHA-256 over their sorted short ids. */
export function holdingsSummary(ids: readonly string[]): { count: number; hash: string } {
  return { count: ids.length, hash: sha256Hex(hexToBytes(ids.join(''))) };
}
