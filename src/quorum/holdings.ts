import { hexToBytes, packetId, sha256Hex, shortPacketId, type Packet } from '../protocol/index.js';

/**
 * The packets a node keeps about one request because they shape its result: the request, the commits
 * it counted, the reveal list it adopted, the openings it kept and the attestations it tallied. Named
 * by short id, they are what a digest announces and what peers that miss them may ask for.
 */
export class Holdings {
  private readonly byId = new Map<string, Packet>();
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
