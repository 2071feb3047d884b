import { hexToBytes, packetId, sha256Hex, shortPacketId, type Packet } from '../protocol/index.js';

/**
 * The packets a node keeps about one request because they shape its result: the request, the commits
 * it counted, the reveal list it adopted, the openings it kept and the attestations it tallied. Named
 * by short id, they are what a digest announces and what peers that miss them may ask for.
 */
export class Holdings {
  private readonly byId = new Map<string, Packet>();

  /** Keeps a packet; returns its short id. */
  add(packet: Packet): string {
    const id = shortPacketId(packetId(packet));
    this.byId.set(id, packet);
    return id;
  }

  remove(id: string): void {
    this.byId.delete(id);
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

  /** Every short id, ascending. */
  ids(): string[] {
    return [...this.byId.keys()].sort();
  }
}

/** What a digest says of a set of held packets: how many, and SHA-256 over their sorted short ids. */
export function holdingsSummary(ids: readonly string[]): { count: number; hash: string } {
  return { count: ids.length, hash: sha256Hex(hexToBytes(ids.join(''))) };
}
