import { systemScheduler, type Scheduler } from './clock.js';
import type { RelayStatus, Transport, TransportFactory } from './transport.js';

export interface MemoryBusOptions {
  scheduler?: Scheduler;
  /** One-way delay of each delivery, fixed or drawn per delivery. */
  latencyMs?: number | (() => number);
  /** Probability that one delivery to one endpoint is lost. */
  lossRate?: number;
  /** Source of randomness for loss and duplication (seed it for reproducible simulations). */
  random?: () => number;
  /** Probability that one delivery to one endpoint arrives twice (each copy with its own latency, so copies reorder too). */
  duplicateRate?: number;
  /**
   * Whether a send from one endpoint reaches another, decided when it is sent: partitions (blocked
   * until a time), or endpoints that reach only part of the network. Default: every endpoint reaches every other.
   */
  reach?: (from: MemoryEndpointInfo, to: MemoryEndpointInfo, now: number) => boolean;
  /** Endpoints are `direct` links (see TransportFactory): a send may name the endpoints it goes to. Default false: every send reaches every endpoint. */
  direct?: boolean;
}

/** What `reach` knows of an endpoint: its link name and the group it was opened with, if any. */
export interface MemoryEndpointInfo {
  readonly link: string;
  readonly group: string | undefined;
}

/**
 * A shared medium for simulations and unit tests: every endpoint hears every other endpoint's sends,
 * with optional latency and loss. `down()` makes it fail like a dead relay until `up()`.
 */
export class MemoryBus {
  private readonly endpoints = new Set<MemoryEndpoint>();
  private readonly scheduler: Scheduler;
  private readonly latencyMs: () => number;
  private readonly lossRate: number;
  private readonly random: () => number;
  private readonly duplicateRate: number;
  private readonly reach: MemoryBusOptions['reach'];
  private readonly direct: boolean;
  private nextLink = 0;
  private isDown = false;

  constructor(options: MemoryBusOptions = {}) {
    this.scheduler = options.scheduler ?? systemScheduler;
    const latency = options.latencyMs ?? 0;
    this.latencyMs = typeof latency === 'number' ? () => latency : latency;
    this.lossRate = options.lossRate ?? 0;
    this.random = options.random ?? Math.random;
    this.duplicateRate = options.duplicateRate ?? 0;
    this.reach = options.reach;
    this.direct = options.direct ?? false;
  }

  /** A factory for endpoints on this bus; each `open()` is a new endpoint, in `group` (for `reach`) if given. */
  transport(name = 'memory', group?: string): TransportFactory {
    return {
      name,
      // An endpoint's link carries only what that endpoint sends.
      ownLinks: true,
      ...(this.direct && { direct: true }),
      open: async () => {
        if (this.isDown) throw new Error(`${name}: bus is down`);
        const endpoint = new MemoryEndpoint(name, `m${this.nextLink++}`, this, group);
        this.endpoints.add(endpoint);
        this.notifyPeers();
        return endpoint;
      },
    };
  }

  /** Breaks every endpoint and refuses new ones. */
  down(): void {
    this.isDown = true;
    const broken = [...this.endpoints];
    this.endpoints.clear();
    for (const endpoint of broken) endpoint.onError?.('bus is down');
  }

  up(): void {
    this.isDown = false;
  }

  /** @internal */
  links(of: MemoryEndpoint): string[] {
    return [...this.endpoints].filter((endpoint) => endpoint !== of).map((endpoint) => endpoint.link);
  }

  /** @internal */
  deliver(from: MemoryEndpoint, bytes: Uint8Array, links?: readonly string[]): void {
    if (!this.endpoints.has(from)) return;
    const now = this.scheduler.now();
    // One copy per send (the sender may reuse its buffer), read by every receiver; deliveries due in the
    // same millisecond share one timer, so a send to a thousand nodes costs a few hundred timers, not a thousand copies.
    const copy = bytes.slice();
    const due = new Map<number, MemoryEndpoint[]>();
    const schedule = (to: MemoryEndpoint) => {
      const latency = Math.max(0, Math.ceil(this.latencyMs()));
      const targets = due.get(latency);
      if (targets) targets.push(to);
      else due.set(latency, [to]);
    };
    for (const to of this.endpoints) {
      if (to === from || (this.direct && links && !links.includes(to.link))) continue;
      if ((this.reach && !this.reach(from, to, now)) || this.random() < this.lossRate) continue;
      schedule(to);
      if (this.duplicateRate > 0 && this.random() < this.duplicateRate) schedule(to);
    }
    for (const [latency, targets] of due) {
      const arrive = () => {
        for (const to of targets) if (this.endpoints.has(to)) to.onMessage?.(copy, from.link);
      };
      if (latency > 0) this.scheduler.setTimeout(arrive, latency);
      else queueMicrotask(arrive);
    }
  }

  detach(endpoint: MemoryEndpoint): void {
    if (this.endpoints.delete(endpoint)) this.notifyPeers();
  }

  private notifyPeers(): void {
    for (const endpoint of this.endpoints) endpoint.onPeersChange?.(this.endpoints.size - 1);
  }
}

class MemoryEndpoint implements Transport, MemoryEndpointInfo {
  onMessage: Transport['onMessage'] = null;
  onPeersChange: Transport['onPeersChange'] = null;
  onError: Transport['onError'] = null;
  onHandshakeError: Transport['onHandshakeError'] = null;

  constructor(
    readonly name: string,
    readonly link: string,
    private readonly bus: MemoryBus,
    readonly group: string | undefined,
  ) {}

  send(bytes: Uint8Array, links?: readonly string[]): void {
    this.bus.deliver(this, bytes, links);
  }

  peers(): string[] {
    return this.bus.links(this);
  }

  relays(): RelayStatus[] {
    return [];
  }

  async close(): Promise<void> {
    this.bus.detach(this);
  }
}
