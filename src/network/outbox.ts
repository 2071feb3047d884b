import { packFrames } from './frame.js';
import type { LinkRoutes } from './link-routes.js';
import type { SupervisedTransport } from './supervised-transport.js';

/** Packets sent in one tick travel in frames of about this size: one trystero chunk, so a receiver starts on the first packets while the rest are in flight. */
const FRAME_TARGET_BYTES = 15 * 1024;

/**
 * What the mesh sends in one tick, leaving together at its end in frames: announcements on every link
 * (each link learns from them which node it reaches), every other packet to each node once, over the
 * links `LinkRoutes` picks (or on every link, with `everyLink`).
 */
export class Outbox {
  private routed: Uint8Array[] = [];
  private everywhere: Uint8Array[] = [];
  private queued = false;

  constructor(
    private readonly transports: readonly SupervisedTransport[],
    private readonly routes: LinkRoutes,
    private readonly everyLink: boolean,
  ) {}

  add(bytes: Uint8Array, everywhere: boolean): void {
    (everywhere ? this.everywhere : this.routed).push(bytes);
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const { routed, everywhere } = this;
    this.routed = [];
    this.everywhere = [];
    this.queued = false;
    for (const message of packFrames(everywhere, FRAME_TARGET_BYTES)) for (const transport of this.transports) transport.send(message);
    if (routed.length === 0) return;
    const plan = this.everyLink
      ? []
      : this.routes.plan(this.transports.map((transport) => ({ transport: transport.name, direct: transport.direct, links: transport.direct ? transport.links() : [] })));
    for (const message of packFrames(routed, FRAME_TARGET_BYTES)) {
      this.transports.forEach((transport, index) => {
        const links = plan[index];
        if (links?.length !== 0) transport.send(message, links);
      });
    }
  }
}
