import { systemScheduler, type Scheduler } from './clock.js';
import type { RelayStatus, Transport, TransportFactory } from './transport.js';

export interface MemoryBusOptions {
  scheduler?: Scheduler;
  /** One-way delay of each delivery, fixed or drawn per delivery. */
  latencyMs?: number | (() => number);
  /** Probability that one delivery to one endpoint is lost. */
  lossRate?: number;
  /** Source of randomness for loss (seed it for reproducible simulations). */
  random?: () => number;
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
  private nextLink = 0;
  private isDown = false;

  constructor(options: MemoryBusOptions = {}) {
    this.scheduler = options.scheduler ?? systemScheduler;
    const latency = options.latencyMs ?? 0;
    this.latencyMs = typeof latency === 'number' ? () => latency : latency;
    this.lossRate = options.lossRate ?? 0;
    this.random = options.random ?? Math.random;
  }

  /** A factory for endpoints on this bus; each `open()` is a new endpoint. */
  transport(name = 'memory'): TransportFactory {
    return {
      name,
      open: async () => {
        if (this.isDown) throw new Error(`${name}: bus is down`);
        const endpoint = new MemoryEndpoint(name, `m${this.nextLink++}`, this);
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
  deliver(from: MemoryEndpoint, bytes: Uint8Array): void {
    if (!this.endpoints.has(from)) return;
    for (const to of this.endpoints) {
      if (to === from || this.random() < this.lossRate) continue;
      const copy = bytes.slice();
      const latency = this.latencyMs();
      const arrive = () => {
        if (this.endpoints.has(to)) to.onMessage?.(copy, from.link);
      };
      if (latency > 0) this.scheduler.setTimeout(arrive, latency);
      else queueMicrotask(arrive);
    }
  }

  /** @internal */
  detach(endpoint: MemoryEndpoint): void {
    if (this.endpoints.delete(endpoint)) this.notifyPeers();
  }

  private notifyPeers(): void {
    for (const endpoint of this.endpoints) endpoint.onPeersChange?.(this.endpoints.size - 1);
  }
}

class MemoryEndpoint implements Transport {
  onMessage: Transport['onMessage'] = null;
  onPeersChange: Transport['onPeersChange'] = null;
  onError: Transport['onError'] = null;

  constructor(
    readonly name: string,
    readonly link: string,
    private readonly bus: MemoryBus,
  ) {}

  send(bytes: Uint8Array): void {
    this.bus.deliver(this, bytes);
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
