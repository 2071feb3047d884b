/** A transport as the mesh sends on it. */
export interface RoutedTransport {
  readonly name: string;
  /** Each link is one peer's own (TransportFactory.direct); the others are always sent to whole. */
  readonly direct: boolean;
  /** Its live links (transport-level peer ids). */
  links(): string[];
}

/** Copies of one announcement remembered while its first copy is verified. */
const MAX_WAITING_COPIES = 16;

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
 * Links are named `transport:link`. Bounded: names only for links the transports list (a transport's
 * names go with its links), at most `maxLinks` of them, and `maxAnnouncements` announcements followed.
 */
export class LinkRoutes {
  /** Node behind each link, or null once the link carried more than one. */
  private readonly nodes = new Map<string, string | null>();
  /** Announcements heard lately, by the key of their exact bytes, with the links their copies came on until verified. */
  private readonly announcements = new Map<string, { from: string; waiting: string[] | undefined }>();

  constructor(
    private readonly maxLinks: number,
    private readonly maxAnnouncements = 1024,
  ) {}

  /**
   * A copy of the bytes `bytesKey` came on `link`: with `from`, the first copy of an announcement by
   * `from`, its signature being checked; without, a later copy, which names its link too if the bytes
   * are an announcement.
   */
  heard(bytesKey: string, link: string, from?: string): void {
    const announcement = this.announcements.get(bytesKey);
    if (from !== undefined) {
      if (this.announcements.size >= this.maxAnnouncements) this.announcements.delete(this.announcements.keys().next().value!);
      this.announcements.set(bytesKey, { from, waiting: [link] });
    } else if (announcement?.waiting) {
      if (announcement.waiting.length < MAX_WAITING_COPIES) announcement.waiting.push(link);
    } else if (announcement) this.learn(link, announcement.from);
  }

  /** The announcement's signature was checked: good, every link that carried it reaches its author. */
  verified(bytesKey: string, valid: boolean): void {
    const announcement = this.announcements.get(bytesKey);
    if (!valid) this.announcements.delete(bytesKey);
    else if (announcement) {
      for (const link of announcement.waiting ?? []) this.learn(link, announcement.from);
      announcement.waiting = undefined;
    }
  }

  /** A transport's links changed: forget the names of its links that are gone. */
  linksChanged(transport: string, live: readonly string[]): void {
    for (const key of this.nodes.keys()) if (key.startsWith(`${transport}:`) && !live.includes(key.slice(transport.length + 1))) this.nodes.delete(key);
  }

  /**
   * For each transport, in the order given (the preferred first), the links a packet goes on:
   * undefined for all of them, else the list (possibly empty: nothing to send there).
   */
  plan(transports: readonly RoutedTransport[]): (string[] | undefined)[] {
    const sets = transports.map((transport) => (transport.direct ? transport.links() : []));
    const routes = transports.map((transport) => (transport.direct ? ([] as string[]) : undefined));
    const byNode = new Map<string, [index: number, link: string][]>();
    transports.forEach((transport, index) => {
      for (const link of sets[index]!) {
        const node = this.nodes.get(`${transport.name}:${link}`);
        if (node) byNode.set(node, [...(byNode.get(node) ?? []), [index, link]]);
        else routes[index]!.push(link);
      }
    });
    for (const links of byNode.values()) {
      // Links come in transport order, so two of one transport are neighbours.
      const contested = links.some(([index], i) => i > 0 && links[i - 1]![0] === index);
      for (const [index, link] of contested ? links : links.slice(0, 1)) routes[index]!.push(link);
    }
    return routes.map((links, index) => (links?.length === sets[index]!.length ? undefined : links));
  }

  private learn(link: string, node: string): void {
    const known = this.nodes.get(link);
    if (known === undefined) {
      if (this.nodes.size >= this.maxLinks) this.nodes.delete(this.nodes.keys().next().value!);
      this.nodes.set(link, node);
    } else if (known !== node) this.nodes.set(link, null);
  }
}
