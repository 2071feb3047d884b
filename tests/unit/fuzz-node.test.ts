import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeFrame, isFrame } from '../../src/network/frame.js';
import { DEFAULT_MESH_LIMITS, MemoryBus, type MeshDropReason } from '../../src/network/index.js';
import { RakisNode } from '../../src/node/index.js';
import { importIdentity } from '../../src/protocol/index.js';
import { HeapScheduler } from '../../tools/sim/heap-scheduler.js';
import { ScriptedEmbedder, ScriptedGenerator } from '../../tools/sim/scripted-engines.js';
import { PacketFuzzer } from '../support/fuzz-packets.js';
import { randomHex, seededRandom } from '../../testkit/random.js';

const PACKETS = 100_000;
const BATCH = 250;
/** Heap growth allowed over the run, after garbage collection: every bounded structure filled, with room to spare. */
const HEAP_BOUND_MB = 96;

/** A garbage collector call, made available without `--expose-gc` on the command line. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;

/** Lets every queued callback run, including verifications finishing on the platform's crypto threads. */
async function drain(until: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !until(); i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('fuzzing a live node', () => {
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  beforeAll(() => {
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  afterAll(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });

  test(`${PACKETS.toLocaleString('en')} hostile messages: nothing throws, every packet is counted, memory stays bounded`, { timeout: 120_000 }, async () => {
    const random = seededRandom(2024);
    const scheduler = new HeapScheduler(1_800_000_000_000);
    const bus = new MemoryBus({ scheduler });
    const embedder = new ScriptedEmbedder();
    const node = await RakisNode.create({
      identity: importIdentity(randomHex(random, 32)),
      // As a shared channel (links never muted, see Intake): the fuzz comes over one link, and must reach every check.
      transports: [{ name: 'memory', open: () => bus.transport().open() }],
      scheduler,
      // A worker and verifier, so valid-looking requests reach every part of the node; signatures are
      // checked the production way (native Ed25519).
      generators: [new ScriptedGenerator({ delay: (ms) => new Promise((resolve) => scheduler.setTimeout(resolve, ms)) })],
      embedders: [embedder],
    });
    const errors: string[] = [];
    node.on('error', (error) => errors.push(error.code));
    await node.start();
    const injector = await bus.transport('fuzzer').open();
    const signers = Array.from({ length: 32 }, () => importIdentity(randomHex(random, 32)));
    const fuzzer = new PacketFuzzer(random, signers, () => scheduler.now());
    const gc = collector();

    let packetsIn = 0;
    let wholeFrameDrops = 0;
    let baselineMb = 0;
    const settled = () => {
      const stats = node.status.packets;
      const drops = Object.values(stats.drops).reduce((sum, n) => sum + (n ?? 0), 0);
      return stats.accepted + drops === stats.received;
    };
    for (let sent = 0; sent < PACKETS; sent++) {
      const bytes = fuzzer.next();
      // What the mesh should count: a frame's packets one by one, a broken or oversized frame as one item.
      if (isFrame(bytes)) {
        const packets = bytes.length <= DEFAULT_MESH_LIMITS.maxFrameBytes ? decodeFrame(bytes) : undefined;
        if (packets) packetsIn += packets.length;
        else wholeFrameDrops++;
      } else packetsIn++;
      injector.send(bytes);
      if (sent % BATCH === BATCH - 1) {
        await drain(settled);
        scheduler.advanceTo(scheduler.now() + 100);
        await drain(settled);
      }
      if (sent === 10_000) {
        gc();
        baselineMb = heapMb();
      }
    }
    await drain(settled);
    // Let every request the fuzz made valid expire, then measure what is left.
    scheduler.advanceTo(scheduler.now() + 200_000);
    await drain(settled);
    gc();
    const growthMb = heapMb() - baselineMb;
    const stats = node.status.packets;
    const drops = stats.drops as Record<MeshDropReason, number>;
    const dropTotal = Object.values(drops).reduce((sum, n) => sum + n, 0);

    console.log(
      `fuzz: ${PACKETS} messages (${[...fuzzer.counts].map(([k, n]) => `${k} ${n}`).join(', ')}); ` +
        `${stats.received} packets received, ${stats.accepted} accepted, drops ${JSON.stringify(drops)}; ` +
        `heap ${baselineMb.toFixed(1)} MB → ${(baselineMb + growthMb).toFixed(1)} MB; open requests ${node.requests().length}, peers ${node.peers.length}`,
    );
    expect(uncaught).toEqual([]);
    expect(stats.received).toBe(packetsIn + wholeFrameDrops);
    expect(stats.accepted + dropTotal).toBe(stats.received);
    // Every family of hostile input was met and named.
    for (const reason of ['not-json', 'not-utf8', 'bad-envelope', 'bad-body', 'too-large', 'bad-signature', 'duplicate', 'stale', 'future', 'bad-frame'] as const) {
      expect(drops[reason], reason).toBeGreaterThan(0);
    }
    expect(stats.accepted).toBeGreaterThan(0);
    expect(growthMb).toBeLessThan(HEAP_BOUND_MB);
    // Bounded structures: requests expire once settled, peers are at most the signers that spoke.
    expect(node.requests().length).toBeLessThan(50);
    expect(node.peers.length).toBeLessThanOrEqual(signers.length);
    await node.stop();
  });
});
