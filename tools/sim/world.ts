import type { MeshDropReason } from '../../src/network/index.js';
import { MemoryBus } from '../../src/network/memory-bus.js';
import { RakisNode, type Embedder, type TextGenerator } from '../../src/node/index.js';
import { importIdentity, type Identity, type SecurityFrame } from '../../src/protocol/index.js';
import { DEFAULT_TIMINGS, type QuorumTimings } from '../../src/quorum/index.js';
import { MeshHarness } from '../../testkit/mesh-harness.js';
import { randomHex, seededRandom } from '../../testkit/random.js';
import { ACTOR_KINDS, RawActor, type ActorKind } from './actors.js';
import { FLOOD_KINDS, FloodActor, type FloodKind } from './flood-actors.js';
import { honestAnswer, SIM_MODEL } from './answers.js';
import { frameEmbedders } from './frame-embedders.js';
import { honestGenerator, SIM_SCHEMA } from './json-answers.js';
import { HeapScheduler } from './heap-scheduler.js';
import { memoizedVerifier } from './memo-verify.js';
import { nodeAttackerCount, nodeAttackerEngines } from './node-attackers.js';
import { reaches } from './reach.js';
import { GcMeter, HeapSampler, Probe, ProbedMesh, probeTransport } from './probe.js';
import { scheduleChurn } from './churn.js';
import { classify, type Classification, type Verdict } from './outcome.js';
import { committingCount, isCommitting, sizing, type ByzantineKind, type ByzantineMix, type Scenario } from './scenarios.js';
import { ScriptedGenerator } from './scripted-engines.js';
import { TrafficMeter } from './traffic.js';

export const SIM_FRAME: SecurityFrame = {
  quorum: 2,
  maxTimeMs: 8_000,
  // Honest paraphrases (2% of words varied) lie within ~20 of 128 bits of the noise-free answer; the
  // radius (25 bits) holds them, while the wrong answer and garbage sit ~64 bits away.
  secDistance: 0.2,
  secPercentage: 0.66,
  embeddingModel: 'rakis-test/encoder-mini',
};

export interface WorldOptions {
  /** Every participant: requester, honest workers, verifiers, observers and attackers. */
  nodes: number;
  /** Committers wanted in the reveal list (capped by what `nodes` leaves room for). */
  committers?: number;
  seed: number;
  frame?: SecurityFrame;
  /** Share of words an honest worker varies (paraphrase noise). */
  paraphrase?: number;
  /** One-way delay range of a delivery, ms. */
  latencyMs?: [number, number];
  /** Quorum timings of the honest nodes (the default: `DEFAULT_TIMINGS`). */
  timings?: Partial<QuorumTimings>;
  /**
   * Extra workers that join, are known to the requester, and fall silent just before the request (frozen
   * tabs: they send nothing more, not even a goodbye): the requester cannot close its window early, and fixes its list at the window's end plus grace.
   */
  vanished?: number;
  /** Sees the judged honest nodes (requester first) before they stop, to inspect a run. */
  inspect?: (nodes: RakisNode[], requestId: string) => void;
}

export interface RunResult {
  scenario: string;
  seed: number;
  nodes: number;
  committers: number;
  tolerance: number;
  required: number;
  byzantine: ByzantineMix;
  withinTolerance: boolean;
  outcome: Classification;
  /** Honest nodes judged. */
  honestNodes: number;
  /** Transport messages (a frame of packets counts once) and bytes put on the wire, all nodes, this request. */
  messages: number;
  bytes: number;
  /** Signed packets sent, all nodes. */
  packets: number;
  /** When the requester's result resolved, from the request's creation (ms of simulated time): the time to answer. */
  requesterSettledMs: number | undefined;
  /** When the requester fixed its reveal list, from the request's creation. */
  listFixedMs: number | undefined;
  /** When the last honest node settled, from the request's creation. */
  lastSettledMs: number | undefined;
  /** Inbound drops by reason, summed over the honest nodes. */
  drops: Partial<Record<MeshDropReason, number>>;
  /** Process CPU time spent on this run (setup, warm-up and the request), ms. */
  cpuMs: number;
  /** CPU time from the request to the end of the run, ms; `requestGcMs` of it went to collecting the heap all nodes share. */
  requestCpuMs: number;
  requestGcMs: number;
  /** Probability that one delivery was lost. */
  lossRate: number;
  /** Honest nodes (judged) that decided, of `honestNodes`. */
  decided: number;
  /** Peak `heapUsed` of the whole process during the run (every node shares it, garbage included). */
  peakHeapBytes: number;
  /** What every node (attackers included) retains once the request settled, after a full collection, per honest node. */
  heapPerNodeBytes: number;
  /**
   * The honest node that received the most packets during the request (every copy, dropped or not),
   * and the time it spent handling them (see `Probe`): per packet, in microseconds.
   */
  busiest: { received: number; handlingMs: number; cpuPerPacketUs: number };
  /** Nodes that left and joined mid-request (churn). */
  left: number;
  joined: number;
}

const T0 = 1_800_000_000_000;
const WARM_UP_MS = 1_500;
/** Time step of the driver: timers due within one step fire together, then async work settles. */
const QUANTUM_MS = 5;
const PROMPT = 'Why is the sky blue?';

interface Honest {
  node: RakisNode;
  probe: Probe;
  /** Packets received before the request. */
  receivedBefore: number;
  left?: boolean;
  settledAt?: number;
  /** The first decision it announced (what its `result` promise resolves with); a node may revise it later. */
  first?: Verdict;
}

/** Builds one network for `scenario`, sends one request through it, and judges what the honest nodes decided. */
export async function runScenario(scenario: Scenario, options: WorldOptions): Promise<RunResult> {
  const cpuStart = process.cpuUsage();
  // Shared by every node of this run (see memoizedVerifier), and gone with it: another run's packets differ.
  const verify = memoizedVerifier();
  const heap = new HeapSampler();
  const frame = { ...(options.frame ?? SIM_FRAME), ...scenario.frame };
  const random = seededRandom(options.seed * 1_000_003 + hashName(scenario.name));
  const scheduler = new HeapScheduler(T0);
  const [minLatency, maxLatency] = options.latencyMs ?? [20, 150];
  const condition = scenario.network ?? {};
  const latency = condition.latencyMs ?? ((u: number) => minLatency + u * (maxLatency - minLatency));
  /** While the halves are apart (partition scenarios): set once the request's time is known. */
  const partition = { from: Infinity, until: -Infinity };
  /** From when the vanished workers' sends reach no one. */
  let silentFrom = Infinity;
  const bus = new MemoryBus({
    scheduler,
    latencyMs: () => latency(random()),
    lossRate: scenario.lossRate ?? 0,
    duplicateRate: condition.duplicateRate ?? 0,
    random: seededRandom(random() * 2 ** 32),
    reach: (from, to, now) => !(from.group === 'gone' && now >= silentFrom) && reaches(from, to, now >= partition.from && now < partition.until),
  });
  const meter = new TrafficMeter();
  const { embedders, nearHonest } = frameEmbedders(frame, honestAnswer(PROMPT));
  const delay = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = scheduler.setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        scheduler.clearTimeout(timer);
        resolve();
      });
    });

  const observers = options.nodes >= 20 ? 2 : 1;
  const wanted = options.committers ?? 30;
  // Non-committing attackers (late, replay, forge, flood) are sized by the node count alone.
  const nonCommitting = Object.entries(scenario.mix(sizing(wanted, frame, options.nodes))).reduce(
    (sum, [kind, count]) => sum + (isCommitting(kind as ByzantineKind) ? 0 : (count ?? 0)),
    0,
  );
  const committers = Math.min(wanted, options.nodes - 1 - observers - nonCommitting);
  if (committers < 2) throw new RangeError(`${options.nodes} nodes leave no room for committers`);
  const size = sizing(committers, frame, options.nodes);
  const mix = scenario.mix(size);
  const byzantineCommitters = committingCount(mix);
  const honestWorkers = committers - byzantineCommitters;
  const actorCount = [...ACTOR_KINDS, ...FLOOD_KINDS].reduce((sum, kind) => sum + (mix[kind] ?? 0), 0);
  const nodeAttackers = nodeAttackerCount(mix);
  const verifiers = options.nodes - 1 - observers - honestWorkers - nodeAttackers - actorCount;
  if (honestWorkers < 0 || verifiers < 0) throw new RangeError(`${scenario.name}: ${options.nodes} nodes are too few for its attackers`);

  const identity = (): Identity => importIdentity(randomHex(random, 32));
  // Every participant is in one of two halves, alternately (partitions, and the splitter's reach).
  let joined = 0;
  const nextGroup = () => (joined++ % 2 === 0 ? 'a' : 'b');
  const probes = new Map<RakisNode, Probe>();
  const create = async (generators: TextGenerator[], embedders: Embedder[], group = nextGroup()) => {
    const probe = new Probe();
    const transports = [probeTransport(meter.wrap(bus.transport('memory', group)), probe)];
    const node = await RakisNode.create({ identity: identity(), transports, scheduler, generators, embedders, ...(options.timings ? { timings: options.timings } : {}) }, { createMesh: (mesh) => new ProbedMesh({ ...mesh, verify }, probe) });
    probes.set(node, probe);
    return node;
  };
  const entry = (node: RakisNode): Honest => ({ node, probe: probes.get(node)!, receivedBefore: 0 });

  const honest: Honest[] = [];
  const requester = await create([], embedders);
  honest.push(entry(requester));
  const honestCommitters = new Set<string>();
  for (let i = 0; i < honestWorkers; i++) {
    const generator = new ScriptedGenerator({
      model: SIM_MODEL,
      answer: honestAnswer,
      paraphrase: options.paraphrase ?? 0.02,
      random: seededRandom(random() * 2 ** 32),
      tokensPerSecond: scenario.speeds?.honest(random()) ?? 20 + random() * 60,
      delay,
    });
    const node = await create([honestGenerator(scenario.json, generator)], embedders);
    honestCommitters.add(node.synthientId);
    honest.push(entry(node));
  }
  for (let i = 0; i < verifiers; i++) honest.push(entry(await create([], embedders)));
  const vanishing: RakisNode[] = [];
  for (let i = 0; i < (options.vanished ?? 0); i++) vanishing.push(await create([new ScriptedGenerator({ model: SIM_MODEL, delay })], embedders, 'gone'));
  for (let i = 0; i < observers; i++) honest.push(entry(await create([], [])));

  const attackers: RakisNode[] = [];
  const attackerContext = { random, delay, embedders, prompt: PROMPT, sybilTokensPerSecond: scenario.speeds?.sybil ?? 50 };
  for (const engines of nodeAttackerEngines(mix, attackerContext)) attackers.push(await create(engines.generators, engines.embedders));
  const actorMesh = (id: Identity, group: string) => new MeshHarness({ identity: id, transports: [meter.wrap(bus.transport('memory', group))], scheduler, verify });
  const actors: (RawActor | FloodActor)[] = [];
  for (const kind of ACTOR_KINDS) {
    for (let i = 0; i < (mix[kind as ActorKind] ?? 0); i++) {
      const id = identity();
      const ctx = { scheduler, random: seededRandom(random() * 2 ** 32), embedder: embedders[0]!, revealDelayMs: scenario.revealDelayMs };
      // The reveal splitter: one identity, two meshes, each reaching one half only.
      if (kind === 'reveal-split') actors.push(new RawActor(kind, id, actorMesh(id, 'only-a'), ctx, actorMesh(id, 'only-b')));
      else actors.push(new RawActor(kind, id, actorMesh(id, nextGroup()), ctx));
    }
  }
  const floods: FloodActor[] = [];
  const timings = DEFAULT_TIMINGS;
  for (const kind of FLOOD_KINDS) {
    for (let i = 0; i < (mix[kind as FloodKind] ?? 0); i++) {
      const id = identity();
      const ctx = {
        scheduler,
        random: seededRandom(random() * 2 ** 32),
        identity,
        requesterId: requester.synthientId,
        frame: frame,
        fallbackAfterCommitDeadlineMs: timings.commitGraceMs + timings.requesterWaitMs,
        requestsPerIdentity: scenario.requestsPerIdentity,
      };
      floods.push(new FloodActor(kind, id, actorMesh(id, nextGroup()), ctx));
    }
  }
  actors.push(...floods);

  // Everyone joins at once, as a page load of the whole network would; hello and gossip settle first.
  for (const { node } of honest) await node.start();
  for (const node of [...attackers, ...vanishing]) await node.start();
  for (const actor of actors) actor.start();
  const BEFORE_REQUEST_MS = 300;
  await runFor(scheduler, WARM_UP_MS - BEFORE_REQUEST_MS, heap);
  const requestAt = scheduler.now() + BEFORE_REQUEST_MS;
  const listAt = requestAt + frame.maxTimeMs + timings.commitGraceMs;
  const revealDeadline = listAt + timings.requesterWaitMs + timings.revealWindowMs;
  if (condition.partition) {
    partition.from = requestAt - 100;
    partition.until = condition.partition === 'mid-commit' ? requestAt + frame.maxTimeMs / 2 : listAt + (revealDeadline - listAt) / 2;
  }
  for (const flood of floods) flood.beforeRequest();
  silentFrom = requestAt - 100;
  await runFor(scheduler, BEFORE_REQUEST_MS, heap);

  // Only the judged request counts (nodes also settle requests attackers make).
  let judgedRequest: string | undefined;
  const watch = (entry: Honest) => {
    entry.node.on('consensus', ({ requestId, decision }) => {
      if (requestId !== judgedRequest) return;
      entry.settledAt ??= scheduler.now();
      entry.first ??= { kind: 'decided', resultHash: decision.resultHash, chosenFrom: decision.chosenFrom, output: decision.output };
    });
    entry.node.on('failed', ({ requestId }) => {
      if (requestId === judgedRequest) entry.settledAt ??= scheduler.now();
    });
  };
  for (const entry of honest) {
    watch(entry);
    entry.receivedBefore = entry.node.status.packets.received;
    entry.probe.handlingMs = 0;
  }
  const churn = scheduleChurn({
    count: Math.round(options.nodes * (condition.churn ?? 0)),
    from: requestAt + 1_000,
    until: revealDeadline - 1_000,
    random,
    scheduler,
    candidates: honest.slice(1),
    join: async () => {
      const fresh = entry(await create([], embedders));
      honest.push(fresh);
      watch(fresh);
      await fresh.node.start();
    },
  });
  const before = meter.snapshot();
  const packetsBefore = sentPackets([...honest.map((h) => h.node), ...attackers]);
  const gc = new GcMeter();
  gc.start();
  const requestCpu = process.cpuUsage();
  const handle = requester.request(PROMPT, { ...frame, quorum: Math.max(frame.quorum, Math.ceil(committers * (scenario.quorumShare ?? 1 / 2))) }, { acceptedModels: [SIM_MODEL], maxTokens: 64, ...(scenario.json ? { responseSchema: SIM_SCHEMA } : {}) });
  judgedRequest = handle.requestId;
  let requesterSettledAt: number | undefined;
  void handle.result.then(() => (requesterSettledAt = scheduler.now()));
  let listFixedAt: number | undefined;
  requester.on('quorum', (event) => {
    if (event.requestId === handle.requestId && event.type === 'reveal-list' && listFixedAt === undefined) listFixedAt = scheduler.now();
  });
  const schedule = requester.quorum(handle.requestId)!.schedule;
  await runFor(scheduler, schedule.attestationDeadline + 500 - scheduler.now(), heap);
  await churn.settled();

  const after = meter.snapshot();
  const judged = honest.filter((h) => !h.left);
  const verdicts = judged.map(({ node }) => verdictOf(node, handle.requestId));
  const firstDecisions = judged.flatMap(({ first }) => (first ? [first] : []));
  const outcome = classify(verdicts, firstDecisions, { honestCommitters, nearHonest, ...(scenario.json ? { json: honestAnswer(PROMPT) } : {}) });
  const drops: Partial<Record<MeshDropReason, number>> = {};
  for (const { node } of judged) {
    for (const [reason, count] of Object.entries(node.status.packets.drops)) drops[reason as MeshDropReason] = (drops[reason as MeshDropReason] ?? 0) + (count ?? 0);
  }
  const packets = sentPackets([...honest.map((h) => h.node), ...attackers]) - packetsBefore;
  const requestCpuMs = cpuMs(process.cpuUsage(requestCpu));
  const requestGcMs = gc.stop();
  const settledTimes = judged.map((h) => h.settledAt);
  const loads = judged.map((h) => ({ received: h.node.status.packets.received - h.receivedBefore, handlingMs: h.probe.handlingMs }));
  const busiest = loads.reduce((a, b) => (b.received > a.received ? b : a));
  heap.retained();
  const lastSettledAt = settledTimes.every((t) => t !== undefined) ? Math.max(...(settledTimes as number[])) : undefined;

  options.inspect?.(judged.map((h) => h.node), handle.requestId);
  for (const { node } of judged) await node.stop();
  for (const node of [...attackers, ...vanishing]) await node.stop();
  for (const actor of actors) await actor.stop();

  return {
    scenario: scenario.name,
    seed: options.seed,
    nodes: options.nodes,
    committers,
    tolerance: size.tolerance,
    required: size.required,
    byzantine: mix,
    withinTolerance: byzantineCommitters <= size.tolerance,
    outcome,
    honestNodes: judged.length,
    messages: after.messages - before.messages,
    bytes: after.bytes - before.bytes,
    packets,
    requesterSettledMs: requesterSettledAt === undefined ? undefined : requesterSettledAt - (schedule.commitDeadline - frame.maxTimeMs),
    listFixedMs: listFixedAt === undefined ? undefined : listFixedAt - (schedule.commitDeadline - frame.maxTimeMs),
    lastSettledMs: lastSettledAt === undefined ? undefined : lastSettledAt - (schedule.commitDeadline - frame.maxTimeMs),
    drops,
    cpuMs: cpuMs(process.cpuUsage(cpuStart)),
    requestCpuMs,
    requestGcMs,
    lossRate: scenario.lossRate ?? 0,
    decided: verdicts.filter((v) => v.kind === 'decided').length,
    peakHeapBytes: heap.peak,
    heapPerNodeBytes: Math.round(heap.retainedBytes / judged.length),
    busiest: { ...busiest, cpuPerPacketUs: busiest.received > 0 ? (busiest.handlingMs * 1000) / busiest.received : 0 },
    left: churn.left,
    joined: churn.joined,
  };
}

/** Runs simulated time forward by `ms`, jumping over idle stretches, letting async work settle after each step. */
async function runFor(scheduler: HeapScheduler, ms: number, heap?: HeapSampler): Promise<void> {
  const end = scheduler.now() + ms;
  while (scheduler.now() < end) {
    heap?.sample();
    const next = scheduler.nextAt() ?? end;
    scheduler.advanceTo(Math.min(end, Math.max(next, scheduler.now() + QUANTUM_MS)));
    // Promise chains (verification, embedding, commits) run to completion within one macrotask turn.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function verdictOf(node: RakisNode, requestId: string): Verdict {
  const snapshot = node.quorum(requestId);
  if (snapshot?.decision) {
    const { resultHash, chosenFrom, output } = snapshot.decision;
    return { kind: 'decided', resultHash, chosenFrom, output };
  }
  if (snapshot?.failure) return { kind: 'failed', reason: snapshot.failure.reason };
  return { kind: 'unsettled' };
}

function sentPackets(nodes: RakisNode[]): number {
  return nodes.reduce((sum, node) => sum + node.status.packets.sent, 0);
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** A stable number per scenario name, so each scenario draws its own randomness for a given seed. */
function hashName(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) >>> 0;
  return hash;
}
