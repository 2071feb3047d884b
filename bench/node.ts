/**
 * `npm run bench:node [-- --json] [-- --sizes 5,50]`: one request through simulated networks of 5, 50 and 500 honest
 * RakisNodes (the simulation's in-memory bus, 20–150 ms per delivery, scripted engines, fake clock;
 * at most 30 of the nodes commit, the rest verify and attest, two observe), and the size of a reveal
 * packet against the original Rakis format for the same output.
 *
 * - overheadMs: from the end of the commit window (`createdAt + maxTimeMs`) to the requester's
 *   result, and to the last honest node's, in simulated time (the protocol's grace and waits, plus
 *   delivery and the nodes' own processing steps);
 * - messages / KiB per node: transport messages (frames count once) and bytes each node put on the
 *   wire for the request, averaged over the nodes (each message reaches every other node);
 * - cpuMsPerNode: process CPU time from the request to the end of the run, divided by the nodes.
 *
 * The original Rakis reveal carried the embedding as a JSON `number[]` of its packed bytes and the
 * output as a JSON byte array; ours carries both as one string (text, lowercase hex).
 */
import { binarize } from '../src/consensus/index.js';
import { bytesToHex, createIdentity, encodePacket, signPacket, utf8ToBytes, type RevealBody } from '../src/protocol/index.js';
import { honestAnswer } from '../tools/sim/answers.js';
import { SCENARIOS } from '../tools/sim/scenarios.js';
import { ScriptedEmbedder } from '../tools/sim/scripted-engines.js';
import { runScenario } from '../tools/sim/world.js';
import { randomBytes, seededRandom } from '../testkit/random.js';

const json = process.argv.includes('--json');
/** `--sizes 5,50` runs fewer sizes. */
const sizesAt = process.argv.indexOf('--sizes');
const SIZES = sizesAt > 0 ? process.argv[sizesAt + 1]!.split(',').map(Number) : [5, 50, 500];
const honest = SCENARIOS.find((scenario) => scenario.name === 'honest')!;

const rows = [];
for (const nodes of SIZES) {
  const run = await runScenario(honest, { nodes, seed: 1 });
  if (run.outcome.class !== 'correct') throw new Error(`${nodes} nodes: the honest run ended ${run.outcome.class} (${run.outcome.reason})`);
  rows.push({
    nodes,
    committers: run.committers,
    overheadMs: run.requesterSettledMs!,
    lastOverheadMs: run.lastSettledMs!,
    messagesPerNode: run.messages / nodes,
    kibPerNode: run.bytes / 1024 / nodes,
    packetsPerNode: run.packets / nodes,
    cpuMsPerNode: run.requestCpuMs / nodes,
  });
  if (!json) process.stderr.write(`${nodes} nodes done (${(run.cpuMs / 1000).toFixed(1)} s CPU)\n`);
}

/** Our reveal and the original format's, for the same output and embedding, each in a signed envelope. */
function revealSizes(output: string, embeddingBytes: Uint8Array) {
  const random = seededRandom(5);
  const identity = createIdentity();
  const body: RevealBody = {
    type: 'reveal',
    requestId: bytesToHex(randomBytes(random, 32)),
    inferenceId: bytesToHex(randomBytes(random, 32)),
    output,
    bEmbedding: bytesToHex(embeddingBytes),
    salt: bytesToHex(randomBytes(random, 32)),
  };
  const ours = encodePacket(signPacket(identity, body, 1_800_000_000_000)).length;
  const original = new TextEncoder().encode(
    JSON.stringify({ ...signPacket(identity, body, 1_800_000_000_000), body: { ...body, output: Array.from(utf8ToBytes(output)), bEmbedding: Array.from(embeddingBytes) } }),
  ).length;
  return { ours, original, ratio: original / ours };
}

const answer = honestAnswer('Why is the sky blue?');
const embedder = new ScriptedEmbedder();
const reveal = {
  outputChars: answer.length,
  encoderMini128: revealSizes(answer, binarize(embedder.embed(answer), 128)),
  // The production frame's model: 768 sign bits (96 bytes); the bytes' values matter for number[] length.
  nomic768: revealSizes(answer, randomBytes(seededRandom(768), 96)),
  longOutput: revealSizes(answer.repeat(10), randomBytes(seededRandom(768), 96)),
};

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
if (json) {
  console.log(JSON.stringify({ rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, round(v, 2)]))), reveal }));
} else {
  console.log('one request, honest network (simulated time; CPU is this process)');
  console.log(' nodes  committers  overhead ms (requester / last)  msgs/node  KiB/node  packets/node  CPU ms/node');
  for (const r of rows) {
    console.log(
      `${String(r.nodes).padStart(6)} ${String(r.committers).padStart(11)} ${`${r.overheadMs} / ${r.lastOverheadMs}`.padStart(31)} ${r.messagesPerNode.toFixed(1).padStart(10)} ${r.kibPerNode.toFixed(1).padStart(9)} ${r.packetsPerNode.toFixed(1).padStart(13)} ${r.cpuMsPerNode.toFixed(1).padStart(12)}`,
    );
  }
  console.log();
  console.log(`reveal packet bytes, ours vs the original Rakis format (output ${reveal.outputChars} chars):`);
  for (const [name, sizes] of Object.entries(reveal).filter(([name]) => name !== 'outputChars') as [string, ReturnType<typeof revealSizes>][]) {
    console.log(`  ${name.padEnd(15)} ours ${sizes.ours} B, original ${sizes.original} B: ${sizes.ratio.toFixed(2)}x smaller`);
  }
}
