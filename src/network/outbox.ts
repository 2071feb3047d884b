import { packFrames } from './frame.js';
import type { Packet } from '../protocol/index.js';
import type { LinkRoutes } from './link-routes.js';
import type { SupervisedTransport } from './supervised-transport.js';

/** Packets sent in one tick travel in frames of about this size: one trystero chunk, so a receiver starts on the first packets while the rest are in flight. */
const FRAME_TARGET_BYTES = 15 * 1024;

/**
 * What the mesh sends in one tick, leaving together at its end in frames: to each node once, over the
 * links `LinkRoutes` picks, or on every link while there are no routes or when the tick holds an
 * announcement (each link learns from those which node it reaches; they are rare).
 */
export class Outbox {
  /**
   * Which node each link reaches: downloaded once a transport first links a peer, if a direct one may
   * (never with `everyLink`); until then every link gets every packet. Before any link there is
   * nothing to route, so a page that only asks does not wait for it.
   */
  routes: LinkRoutes | undefined;
  private routesAsked = false;
  private packets: Uint8Array[] = [];
  private everywhere = false;

  constructor(
    private readonly transports: readonly SupervisedTransport[],
    private readonly everyLink: boolean,
  ) {}

  loadRoutes(maxLinks: number): void {
    if (this.routesAsked || this.everyLink || !this.transports.some((transport) => transport.direct)) return;
    this.routesAsked = true;
    void import('./link-routes.js').then(({ LinkRoutes }) => (this.routes = new LinkRoutes(maxLinks)));
  }

  add(bytes: Uint8Array, everywhere: boolean): void {
    this.everywhere ||= everywhere;
    if (this.packets.push(bytes) === 1) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const packets = this.packets;
    const plan = this.everywhere ? undefined : this.routes?.plan(this.transports);
    this.packets = [];
    this.everywhere = false;
    for (const message of packFrames(packets, FRAME_TARGET_BYTES)) {
      this.transports.forEach((transport, index) => {
        const links = plan?.[index];
        if (links?.length !== 0) transport.send(message, links);
      });
    }
  }
}

/** Only a node sends its own hello and status, on every link: they name the node behind a link. */
export function isAnnouncement(packet: Packet): boolean {
  return packet.body.type === 'hello' || packet.body.type === 'status';
}
