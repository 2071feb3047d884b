import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { Transport, TransportFactory } from '../../src/network/index.js';
import type { Packet } from '../../src/protocol/index.js';
import { MeshHarness, type MeshHarnessOptions } from '../../testkit/mesh-harness.js';

/**
 * Time one node spends handling what it receives, on the one thread every simulated node shares:
 * the synchronous part of the mesh's receive (frame split, decode, dedup, rate limits, the signature
 * check, which the simulator's memoized verifier runs synchronously) and the node's packet listeners
 * (quorum, reconciler, roles), measured with `performance.now()` around each. Not counted: timers
 * (the node's 200 ms tick, digests), embedding and generation, and promise continuations the
 * listeners start. Wall time inside synchronous code on a loaded machine includes preemption.
 */
export class Probe {
  handlingMs = 0;

  time(run: () => void): void {
    const start = performance.now();
    try {
      run();
    } finally {
      this.handlingMs += performance.now() - start;
    }
  }
}

/** The same transport factory, whose endpoints time the receive callback the mesh installs. */
export function probeTransport(factory: TransportFactory, probe: Probe): TransportFactory {
  return {
    ...factory,
    open: async () => {
      const transport = await factory.open();
      let handler: Transport['onMessage'] = null;
      Object.defineProperty(transport, 'onMessage', {
        configurable: true,
        get: () => handler,
        set: (receive: Transport['onMessage']) => {
          handler = receive && ((bytes, link) => probe.time(() => receive(bytes, link)));
        },
      });
      return transport;
    },
  };
}

/** A harness mesh whose packet listeners are timed. */
export class ProbedMesh extends MeshHarness {
  constructor(
    options: MeshHarnessOptions,
    private readonly probe: Probe,
  ) {
    super(options);
  }

  override onPacket(listener: Parameters<MeshHarness['onPacket']>[0]): () => void {
    return super.onPacket((packet: Packet, delivery) => this.probe.time(() => listener(packet, delivery)));
  }
}

/** A full garbage collection, so `heapUsed` is what is still reachable. */
const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * The process's heap: the peak of `heapUsed` sampled by the driver (garbage included), and what the
 * nodes retain (after a full collection) compared with before they were built.
 */
export class HeapSampler {
  readonly baseline: number;
  peak: number;
  /** Reachable heap at the last `retained()` call, less the baseline. */
  retainedBytes = 0;
  private calls = 0;

  constructor() {
    collectGarbage();
    this.baseline = this.peak = process.memoryUsage().heapUsed;
  }

  /** Samples every `every`-th call (reading the heap costs a few microseconds). */
  sample(every = 8): void {
    if (this.calls++ % every !== 0) return;
    const used = process.memoryUsage().heapUsed;
    if (used > this.peak) this.peak = used;
  }

  /** Collects garbage and records what is still reachable (call it while the nodes are alive). */
  retained(): void {
    this.sample(1);
    collectGarbage();
    this.retainedBytes = Math.max(0, process.memoryUsage().heapUsed - this.baseline);
  }
}

/**
 * Main-thread garbage-collection pauses from `start()` on: every simulated node shares one heap, so a
 * collection walks all of them (a browser tab collects only its own), and this cost grows with the
 * network's size in the simulator where it would not across tabs.
 */
export class GcMeter {
  private totalMs = 0;
  private readonly observer = new PerformanceObserver((list) => this.add(list.getEntries()));

  start(): void {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Pause time so far, in ms; stops observing. */
  stop(): number {
    this.add(this.observer.takeRecords());
    this.observer.disconnect();
    return this.totalMs;
  }

  private add(entries: readonly { duration: number }[]): void {
    for (const entry of entries) this.totalMs += entry.duration;
  }
}
