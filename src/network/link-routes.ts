/** A transport's links as the mesh sees them when it sends. */
export interface LinkSet {
  transport: string;
  /** Each link is one peer's own (TransportFactory.direct); the others are always sent to whole. */
  direct: boolean;
  /** Its live links (transport-level peer ids). */
  links: readonly string[];
}

/** Copies of one announcement remembered while its first copy is verified. */
const MAX_PENDING_COPIES = 16;

interface Announcement {
  from: string;
  verified: boolean;
  /** Where its copies came from, the first one's included, until the signature is known good. */
  copies: { transport: string; link: string }[];
}

/**
 * Which node each direct link reaches, and so which links a packet needs: the transports often link
 * the same two nodes several times (torrent, MQTT and nostr each form their own WebRTC link), and
 * every copy costs both ends a send, a receive and a duplicate check. A node sends its announcements
 * (hello, status) on every link, and only it sends them, so the verified announcement a link carries
 * names the node behind it; every other packet goes to a known node over its first link (in transport
 * order), and to every link whose node is not known.
 *
 * Redundancy stays where a name could be wrong: a link that carried two nodes' announcements is sent to
 * as unknown, and a node named by two links of one transport (one of them replaying its announcements)
 * is sent to on all its links. A peer that replays a node's announcements on an earlier transport
 * than any link of that node could still take its direct copy; the node then gets the packet the way
 * it gets what a lossy link drops (other nodes' copies, reconciliation).
 *
 * Bounded: names only for links the transports list (a transport's names go with its links), at most
 * `maxLinks` of them, and `maxAnnouncements` announcements followed.
 */
export class LinkRoutes {
  /** Node behind each link (`transport\0link`), or null once the link carried more than one. */
  private readonly nodes = new Map<string, string | null>();
  /** Announcements heard lately, by the key of their exact bytes. */
  private readonly announcements = new Map<string, Announcement>();

  constructor(
    private readonly maxLinks: number,
    private readonly maxAnnouncements = 1024,
  ) {}

  /** The first copy of an announcement by `from` arrived on `link`; its signature is being checked. */
  announced(bytesKey: string, from: string, transport: string, link: string): void {
    if (this.announcements.size >= this.maxAnnouncements) this.announcements.delete(this.announcements.keys().next().value!);
    this.announcements.set(bytesKey, { from, verified: false, copies: [{ transport, link }] });
  }

  /** Another copy of bytes already heard arrived on `link`: if they are an announcement, the link reaches its author. */
  copy(bytesKey: string, transport: string, link: string): void {
    const announcement = this.announcements.get(bytesKey);
    if (!announcement) return;
    if (announcement.verified) this.learn(transport, link, announcement.from);
    else if (announcement.copies.length < MAX_PENDING_COPIES) announcement.copies.push({ transport, link });
  }

  /** The announcement's signature was checked: good, every link that carried it reaches its author. */
  verified(bytesKey: string, valid: boolean): void {
    const announcement = this.announcements.get(bytesKey);
    if (!announcement) return;
    if (!valid) {
      this.announcements.delete(bytesKey);
      return;
    }
    announcement.verified = true;
    for (const { transport, link } of announcement.copies) this.learn(transport, link, announcement.from);
    announcement.copies = [];
  }

  /** A transport's links changed: forget the names of its links that are gone. */
  linksChanged(transport: string, live: readonly string[]): void {
    const prefix = `${transport}\0`;
    const kept = new Set(live.map((link) => prefix + link));
    for (const key of this.nodes.keys()) if (key.startsWith(prefix) && !kept.has(key)) this.nodes.delete(key);
  }

  /** The node a link reaches, as far as known (undefined: unknown, or it carried several). */
  nodeOf(transport: string, link: string): string | undefined {
    return this.nodes.get(`${transport}\0${link}`) ?? undefined;
  }

  /**
   * For each transport, in the order given (the preferred first), the links a packet goes on:
   * undefined for all of them, else the list (possibly empty: nothing to send there).
   */
  plan(sets: readonly LinkSet[]): (string[] | undefined)[] {
    const routes = sets.map((set) => (set.direct ? ([] as string[]) : undefined));
    const byNode = new Map<string, { index: number; link: string }[]>();
    sets.forEach((set, index) => {
      if (!set.direct) return;
      for (const link of set.links) {
        const node = this.nodes.get(`${set.transport}\0${link}`);
        if (!node) routes[index]!.push(link);
        else {
          const links = byNode.get(node);
          if (links) links.push({ index, link });
          else byNode.set(node, [{ index, link }]);
        }
      }
    });
    for (const links of byNode.values()) {
      // Links come in transport order, so two of one transport are neighbours.
      const contested = links.some((entry, i) => i > 0 && links[i - 1]!.index === entry.index);
      for (const { index, link } of contested ? links : links.slice(0, 1)) routes[index]!.push(link);
    }
    return routes.map((links, index) => (links && links.length === sets[index]!.links.length ? undefined : links));
  }

  private learn(transport: string, link: string, node: string): void {
    const key = `${transport}\0${link}`;
    const known = this.nodes.get(key);
    if (known === undefined) {
      if (this.nodes.size >= this.maxLinks) this.nodes.delete(this.nodes.keys().next().value!);
      this.nodes.set(key, node);
    } else if (known !== node) this.nodes.set(key, null);
  }
}
