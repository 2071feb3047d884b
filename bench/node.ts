/**
 * `npm run bench:node [-- --json --sizes 5,50 --seeds 1,2,3]`: one request through simulated networks of 5, 50, 500 and 1,000 honest
 * RakisNodes (the simulation's in-memory bus, 20–150 ms per delivery, scripted engines, fake clock;
 * at most 30 of the nodes commit and attest with the requester, the rest verify quietly, two observe), and the size of a reveal
 * packet against the original Rakis format for the same output.
 *
 * - answerMs: from the request's creation to the requester's result, and to the last honest node's,
 *   in simulated time (the workers' generation, the commit window, which ends early once every known
 *   contributor answered, the protocol's waits, delivery and the nodes' own processing steps);
 * - settling: the same request with one known worker gone just before it (a closed tab), so the
 *   requester cannot close its window early and fixes its list at the window's end plus its commit
 *   grace; the grace adapted to measured delivery against the fixed one (`adaptCommitGrace: false`),
 *   over `--seeds`: ms from the window's end and from the list being fixed to the requester's answer
 *   (median; issue 15 asks for the sim's delivery latency, 150 ms at most, plus 0.5 s);
 * - messages / KiB per node: transport messages (frames count once) and bytes each node put on the
 *   wire for the request, averaged over the nodes (each message reaches every other node);
 * - received per node: signed packets the busiest honest node received for the request, and the KiB
 *   every node receives (each message reaches every other node, so all of them);
 * - cpuMsPerNode: process CPU time from the request to the end of the run, divided by the nodes, and
 *   gcMsPerNode, the main-thread garbage-collection pauses within it: every simulated node shares one
 *   heap, so each collection walks all of them, a cost that grows with the network here and not across tabs;
 * - growth: each per-node figure at the largest size over its value at 50 nodes (issue 17 asks ≤ 1.5×).
 *
 * The original Rakis reveal (`inferenceReveal` in its packet-types.ts), JSON-encoded inside
 * `{synthientId, signature, packet}`, carried the output as a string, the float embedding as a
 * `number[]` (768 float32 values for nomic-embed) and the packed binary embedding as a `number[]` of
 * bytes; ours carries the output as text and only the binary embedding, as lowercase hex. Compared at 768
 * dimensions and at a 128-dimension Matryoshka prefix, for the same output.
 */
import { binarize } from '../src/consensus/index.js';
import { bytesToHex, createIdentity, encodePacket, signPacket, type RevealBody } from '../src/protocol/index.js';
import { honestAnswer } from '../tools/sim/answers.js';
import { SCENARIOS } from '../tools/sim/scenarios.js';
import { ScriptedEmbedder } from '../tools/sim/scripted-engines.js';
import { runScenario, SIM_FRAME } from '../tools/sim/world.js';
import { randomBytes, seededRandom } from '../testkit/random.js';
import { parseCli } from '../testkit/cli.js';

const { values, fail } = parseCli(import.meta.url, {
  json: { type: 'boolean', default: false },
  sizes: { type: 'string', default: '5,50,500,1000' },
  seeds: { type: 'string', default: '1,2,3' },
});
const json = values.json;
const SIZES = values.sizes!.split(',').map(Number);
if (SIZES.some((nodes) => !Number.isInteger(nodes) || nodes < 5)) fail('--sizes takes integers of at least 5, comma separated');
const SEEDS = values.seeds!.split(',').map(Number);
if (SEEDS.some((seed) => !Number.isInteger(seed))) fail('--seeds takes integers, comma separated');
const honest = SCENARIOS.find((scenario) => scenario.name === 'honest')!;

const rows = [];
for (const nodes of SIZES) {
  const run = await runScenario(honest, { nodes, seed: 1 });
  if (run.outcome.class !== 'correct') throw new Error(`${nodes} nodes: the honest run ended ${run.outcome.class} (${run.outcome.reason})`);
  rows.push({
    nodes,
    committers: run.committers,
    answerMs: run.requesterSettledMs!,
    listToAnswerMs: run.requesterSettledMs! - run.listFixedMs!,
    lastAnswerMs: run.lastSettledMs!,
    messagesPerNode: run.messages / nodes,
    kibPerNode: run.bytes / 1024 / nodes,
    packetsPerNode: run.packets / nodes,
    receivedPerNode: run.busiest.received,
    receivedKibPerNode: run.bytes / 1024,
    cpuMsPerNode: run.requestCpuMs / nodes,
    gcMsPerNode: run.requestGcMs / nodes,
    runCpuS: run.cpuMs / 1000,
    peakHeapMiB: run.peakHeapBytes / 2 ** 20,
  });
  if (!json) process.stderr.write(`${nodes} nodes done (${(run.cpuMs / 1000).toFixed(1)} s CPU)\n`);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const settling = [];
for (const nodes of SIZES.filter((n) => n <= 50)) {
  for (const adaptCommitGrace of [true, false]) {
    const runs = [];
    for (const seed of SEEDS) {
      const run = await runScenario(honest, { nodes, seed, vanished: 1, timings: { adaptCommitGrace } });
      if (run.outcome.class !== 'correct') throw new Error(`${nodes} nodes, seed ${seed}: the run ended ${run.outcome.class} (${run.outcome.reason})`);
      runs.push(run);
    }
    const windowMs = SIM_FRAME.maxTimeMs;
    settling.push({
      nodes,
      grace: adaptCommitGrace ? 'adapted' : 'fixed',
      pastWindowMs: median(runs.map((run) => run.requesterSettledMs! - windowMs)),
      pastListMs: median(runs.map((run) => run.requesterSettledMs! - run.listFixedMs!)),
      answerMs: median(runs.map((run) => run.requesterSettledMs!)),
    });
  }
}

/** A normalized float32 embedding, as transformers.js returns it with `normalize: true`. */
function normalized(values: ArrayLike<number>): Float32Array {
  const norm = Math.hypot(...Array.from(values));
  return Float32Array.from(values, (value) => value / norm);
}

/** Our reveal and the original Rakis's, for the same output and embedding, each in its signed envelope. */
function revealSizes(output: string, embedding: Float32Array) {
  const random = seededRandom(5);
  const identity = createIdentity();
  const bEmbedding = binarize(embedding);
  const body: RevealBody = {
    type: 'reveal',
    requestId: bytesToHex(randomBytes(random, 32)),
    inferenceId: bytesToHex(randomBytes(random, 32)),
    output,
    bEmbedding: bytesToHex(bEmbedding),
    salt: bytesToHex(randomBytes(random, 32)),
  };
  const packet = signPacket(identity, body, 1_800_000_000_000);
  const ours = encodePacket(packet).length;
  const original = new TextEncoder().encode(
    JSON.stringify({
      synthientId: packet.from,
      signature: packet.sig,
      packet: {
        type: 'inferenceReveal',
        requestId: body.requestId,
        inferenceId: body.inferenceId,
        output,
        embedding: Array.from(embedding),
        bEmbedding: Array.from(bEmbedding),
        createdAt: '2027-01-15T08:00:00.000+00:00',
      },
    }),
  ).length;
  return { dims: embedding.length, ours, original, ratio: original / ours };
}

const answer = honestAnswer('Why is the sky blue?');
const nomic = new ScriptedEmbedder('nomic-ai/nomic-embed-text-v1.5').embed(answer);
const reveal = {
  outputChars: answer.length,
  nomic768: revealSizes(answer, normalized(nomic)),
  nomic128: revealSizes(answer, normalized(nomic.subarray(0, 128))),
};

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const base = rows.find((row) => row.nodes === 50);
const top = rows[rows.length - 1]!;
const growth = base && top.nodes > 50 ? { from: 50, to: top.nodes, received: top.receivedPerNode / base.receivedPerNode, receivedKib: top.receivedKibPerNode / base.receivedKibPerNode, sentMessages: top.messagesPerNode / base.messagesPerNode, cpu: top.cpuMsPerNode / base.cpuMsPerNode, cpuLessGc: (top.cpuMsPerNode - top.gcMsPerNode) / (base.cpuMsPerNode - base.gcMsPerNode) } : undefined;
if (json) {
  console.log(JSON.stringify({ rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, round(v, 2)]))), growth, settling, reveal }));
} else {
  console.log('one request, honest network (simulated time; CPU is this process)');
  console.log(' nodes  committers  answer ms (requester / last)  list fixed → answer ms  sent msgs/node  sent KiB/node  recv pkts/node  recv KiB/node  CPU ms/node (GC)  run CPU s  peak heap MiB');
  for (const r of rows) {
    console.log(
      `${String(r.nodes).padStart(6)} ${String(r.committers).padStart(11)} ${`${r.answerMs} / ${r.lastAnswerMs}`.padStart(28)} ${String(r.listToAnswerMs).padStart(23)} ${r.messagesPerNode.toFixed(1).padStart(15)} ${r.kibPerNode.toFixed(1).padStart(14)} ${String(r.receivedPerNode).padStart(15)} ${r.receivedKibPerNode.toFixed(1).padStart(14)} ${`${r.cpuMsPerNode.toFixed(1)} (${r.gcMsPerNode.toFixed(1)})`.padStart(17)} ${r.runCpuS.toFixed(1).padStart(10)} ${r.peakHeapMiB.toFixed(0).padStart(14)}`,
    );
  }
  if (growth) console.log(`  per node, ${growth.to} vs 50 nodes: received packets ${growth.received.toFixed(2)}x, received KiB ${growth.receivedKib.toFixed(2)}x, sent messages ${growth.sentMessages.toFixed(2)}x, CPU ${growth.cpu.toFixed(2)}x (${growth.cpuLessGc.toFixed(2)}x less the shared heap's GC pauses)`);
  console.log();
  console.log(`settling with a known worker gone (no early close), median of seeds ${SEEDS.join(',')}, requester's answer:`);
  console.log(' nodes  grace    past window end ms  past list fixed ms  from request ms');
  for (const r of settling) {
    console.log(`${String(r.nodes).padStart(6)}  ${r.grace.padEnd(7)} ${String(r.pastWindowMs).padStart(19)} ${String(r.pastListMs).padStart(19)} ${String(r.answerMs).padStart(16)}`);
  }
  for (const nodes of new Set(settling.map((r) => r.nodes))) {
    const [adapted, fixed] = [settling.find((r) => r.nodes === nodes && r.grace === 'adapted')!, settling.find((r) => r.nodes === nodes && r.grace === 'fixed')!];
    console.log(`  ${nodes} nodes: adapted grace settles ${(fixed.pastWindowMs / adapted.pastWindowMs).toFixed(2)}x sooner past the window than the fixed grace`);
  }
  console.log();
  console.log(`reveal packet bytes, ours vs the original Rakis inferenceReveal (output ${reveal.outputChars} chars):`);
  for (const sizes of [reveal.nomic768, reveal.nomic128]) {
    console.log(`  ${`${sizes.dims} dims`.padEnd(9)} ours ${sizes.ours} B, original ${sizes.original} B: ${sizes.ratio.toFixed(2)}x smaller`);
  }
}
