import { MemoryBus } from '../../src/network/index.js';
import { ManualClock } from '../../testkit/manual-clock.js';
import { MeshHarness } from '../../testkit/mesh-harness.js';
import { RakisNode, type RakisNodeOptions } from '../../src/node/index.js';
import { verifyPacket } from '../../src/protocol/index.js';
import { ScriptedEmbedder, ScriptedGenerator, type ScriptedGeneratorOptions } from '../../tools/sim/scripted-engines.js';

/** Lets promise chains and the platform's crypto callbacks run. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A handful of nodes on one in-memory bus and one fake clock. */
export class SimNet {
  readonly clock = new ManualClock(1_800_000_000_000);
  readonly bus: MemoryBus;
  readonly nodes: RakisNode[] = [];

  constructor(latencyMs = 20) {
    this.bus = new MemoryBus({ scheduler: this.clock, latencyMs });
  }

  delay = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });

  async add(options: Partial<RakisNodeOptions> & { worker?: boolean | ScriptedGeneratorOptions } = {}): Promise<RakisNode> {
    const { worker, ...rest } = options;
    const generators = worker ? [new ScriptedGenerator({ delay: this.delay, ...(typeof worker === 'object' ? worker : {}) })] : [];
    const node = await RakisNode.create(
      { transports: [this.bus.transport()], scheduler: this.clock, generators, embedders: [new ScriptedEmbedder()], ...rest },
      // Synchronous verification keeps fake-clock runs deterministic (WebCrypto completes off-thread, in real time).
      { createMesh: (mesh) => new MeshHarness({ ...mesh, verify: verifyPacket }) },
    );
    this.nodes.push(node);
    return node;
  }

  async startAll(): Promise<void> {
    for (const node of this.nodes) await node.start();
    await this.run(500);
  }

  /** Advances the clock in small steps, letting async work run between them. */
  async run(ms: number, stepMs = 50): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      this.clock.advance(stepMs);
      await settle();
    }
  }

  async runUntil(done: () => boolean, maxMs: number, stepMs = 50): Promise<void> {
    for (let t = 0; t < maxMs && !done(); t += stepMs) {
      this.clock.advance(stepMs);
      await settle();
    }
  }
}
