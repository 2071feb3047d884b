import { requiredClusterSize } from '../../src/consensus/thresholds.js';
import type { SecurityFrame } from '../../src/protocol/index.js';
import { COMMITTING_ACTORS, type ActorKind } from './actors.js';
import type { FloodKind } from './flood-actors.js';
import { JSON_NODE_KINDS } from './json-answers.js';

/** Byzantine workers that are RakisNodes with corrupted engines. */
export const NODE_KINDS = ['garbage', 'sybil', 'lying-embedding', 'one-model-liar', ...JSON_NODE_KINDS] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
export type ByzantineKind = NodeKind | ActorKind | FloodKind;
export type ByzantineMix = Partial<Record<ByzantineKind, number>>;

export function isCommitting(kind: ByzantineKind): boolean {
  return (NODE_KINDS as readonly string[]).includes(kind) || COMMITTING_ACTORS.has(kind as ActorKind);
}

/** The sizes a scenario scales its attackers by. */
export interface Sizing {
  /** `C`: committers expected in the reveal list (honest workers plus committing attackers). */
  committers: number;
  /** `floor((1 - secPercentage) × C)`: committing attackers the frame tolerates. */
  tolerance: number;
  /** `ceil(secPercentage × C)`: the cluster size a decision needs. */
  required: number;
  /** Non-committing attackers of one kind (replayers, forgers, flooders): about 1% of the nodes. */
  extras: number;
}

/** What the network does to deliveries, besides loss. */
export interface NetworkCondition {
  /** Probability that one delivery arrives twice, each copy with its own latency. */
  duplicateRate?: number;
  /** Latency of one delivery, ms, from a uniform draw in [0, 1) (default: 20–150 ms uniform). */
  latencyMs?: (u: number) => number;
  /**
   * The two halves of the network (every participant is in one, alternately; the requester in the
   * first) cannot reach each other from 100 ms before the request until halfway through the reveal
   * window (`mid-reveal`: between the end of the commit grace and the reveal deadline) or through the
   * commit window (`mid-commit`); then it heals.
   */
  partition?: 'mid-reveal' | 'mid-commit';
  /**
   * This share of the nodes (honest, the requester excepted) leave at random moments between 1 s
   * after the request and 1 s before the reveal deadline, while as many fresh verifiers join over the
   * same span. Leavers are not judged; joiners are.
   */
  churn?: number;
}

export interface Scenario {
  name: string;
  mix: (size: Sizing) => ByzantineMix;
  /** Probability that one delivery is lost (default 0). */
  lossRate?: number;
  network?: NetworkCondition;
  /** How long the reveal splitter waits after seeing the reveal list before revealing (default 0: at once). */
  revealDelayMs?: number;
  /** The request's quorum as a share of the committers expected (default 1/2). */
  quorumShare?: number;
  /** Generation speeds, tokens/s: honest workers' from a uniform draw (default 20–80), sybils' (default 50). */
  speeds?: { honest: (u: number) => number; sybil: number };
  /** Requests per identity of a request flood (default 700). */
  requestsPerIdentity?: number;
  /** Changes to the simulation's frame (e.g. further embedding models). */
  frame?: Partial<SecurityFrame>;
  /** JSON mode: the request carries the simulator's schema and honest workers answer in JSON (json-answers.ts). */
  json?: true;
  /** Network conditions, the splitter and floods of the matrix (issue 11): left out of the quick unit test, which `sim-matrix.test.ts` samples. */
  extended?: true;
}

export function sizing(committers: number, frame: SecurityFrame, nodes: number): Sizing {
  const required = requiredClusterSize(frame.secPercentage, committers);
  return { committers, tolerance: committers - required, required, extras: Math.max(1, Math.round(nodes / 100)) };
}

/** Committing attackers in a mix. */
export function committingCount(mix: ByzantineMix): number {
  return Object.entries(mix).reduce((sum, [kind, count]) => sum + (isCommitting(kind as ByzantineKind) ? (count ?? 0) : 0), 0);
}

const COMMITTING_MIX: ByzantineKind[] = ['sybil', 'garbage', 'lying-embedding', 'copy-commit', 'copy-reveal', 'equivocate', 'mismatch-reveal', 'withhold'];

/** `count` committing attackers spread round-robin over every committing behaviour, plus the noisy ones. */
function mixed(count: number, extras: number): ByzantineMix {
  const mix: ByzantineMix = { 'late-commit': extras, replay: extras, forge: extras, flood: extras };
  for (let i = 0; i < count; i++) {
    const kind = COMMITTING_MIX[i % COMMITTING_MIX.length]!;
    mix[kind] = (mix[kind] ?? 0) + 1;
  }
  return mix;
}

/** The scenarios with more committing attackers than the frame tolerates. */
export const ABOVE_TOLERANCE: ReadonlySet<string> = new Set(['sybil-above', 'withhold-above', 'garbage-half', 'mixed-above', 'sybil-at-required', 'json-invalid-above']);

/**
 * Within tolerance: at most `floor((1 - secPercentage) × C)` committing attackers (plus any number of
 * non-committing ones). Above: more than that. Each scenario is named by what it tries.
 */
export const SCENARIOS: Scenario[] = [
  { name: 'honest', mix: () => ({}) },
  { name: 'garbage', mix: ({ tolerance }) => ({ garbage: tolerance }) },
  { name: 'sybil-within', mix: ({ tolerance }) => ({ sybil: tolerance }) },
  { name: 'lying-embedding', mix: ({ tolerance }) => ({ 'lying-embedding': tolerance }) },
  { name: 'copy-commit', mix: ({ tolerance }) => ({ 'copy-commit': tolerance }) },
  { name: 'copy-reveal', mix: ({ tolerance }) => ({ 'copy-reveal': tolerance }) },
  { name: 'equivocate', mix: ({ tolerance }) => ({ equivocate: tolerance }) },
  // Two embedding models; the liars' text embeds like the honest answer in the first and far from it in the second.
  { name: 'one-model-liar', mix: ({ tolerance }) => ({ 'one-model-liar': tolerance }), frame: { extraEmbeddingModels: [{ model: 'rakis-test/encoder-tiny' }] } },
  { name: 'mismatch-reveal', mix: ({ tolerance }) => ({ 'mismatch-reveal': tolerance }) },
  { name: 'withhold', mix: ({ tolerance }) => ({ withhold: tolerance }) },
  { name: 'late-commit', mix: ({ extras }) => ({ 'late-commit': extras }) },
  { name: 'replay-forge-flood', mix: ({ extras }) => ({ replay: extras, forge: extras, flood: extras }) },
  { name: 'false-attest', mix: ({ extras }) => ({ sybil: 1, 'false-attest': extras }) },
  { name: 'mixed-within', mix: ({ tolerance, extras }) => mixed(tolerance, extras) },
  { name: 'mixed-within-lossy', mix: ({ tolerance, extras }) => mixed(tolerance, extras), lossRate: 0.01 },
  { name: 'mixed-within-loss-5', mix: ({ tolerance, extras }) => mixed(tolerance, extras), lossRate: 0.05 },
  { name: 'mixed-within-loss-10', mix: ({ tolerance, extras }) => mixed(tolerance, extras), lossRate: 0.1 },
  {
    name: 'reorder-duplicate',
    mix: ({ tolerance, extras }) => mixed(tolerance, extras),
    // A third of deliveries twice; latency 20–150 ms for 70% of them, 150–1,500 ms for the rest.
    network: { duplicateRate: 0.3, latencyMs: (u) => (u < 0.7 ? 20 + (u / 0.7) * 130 : 150 + ((u - 0.7) / 0.3) * 1_350) },
    extended: true,
  },
  // The requester's half holds about half the committers, so the quorum is a third: a quorum no half
  // can reach would only show that a request fails while half the network is out of reach.
  { name: 'partition-heal', mix: ({ tolerance }) => ({ sybil: Math.floor(tolerance / 3) }), network: { partition: 'mid-reveal' }, quorumShare: 1 / 3, extended: true },
  { name: 'partition-heal-commit', mix: ({ tolerance }) => ({ sybil: Math.floor(tolerance / 3) }), network: { partition: 'mid-commit' }, quorumShare: 1 / 3, extended: true },
  { name: 'churn', mix: ({ tolerance, extras }) => ({ sybil: Math.floor(tolerance / 3), replay: extras, forge: extras }), network: { churn: 0.25 }, extended: true },
  // Sybils answer at once; honest workers need 5–7 s of the 8 s window. The requester may close the
  // window early only once every contributor it knows committed or declined, so the sybils' speed buys
  // them nothing: the list still holds every honest worker.
  { name: 'fast-sybils-slow-honest', mix: ({ tolerance }) => ({ sybil: tolerance }), speeds: { honest: (u) => 9 + u * 3, sybil: 10_000 }, extended: true },
  { name: 'reveal-order-split', mix: ({ tolerance }) => ({ 'reveal-split': tolerance }), extended: true },
  // The same, revealing once every node holds the list (isolates reveals that arrive before it).
  { name: 'reveal-order-split-late', mix: ({ tolerance }) => ({ 'reveal-split': tolerance }), revealDelayMs: 1_000, extended: true },
  { name: 'forged-from-flood', mix: ({ tolerance }) => ({ sybil: tolerance, 'forged-from-flood': 1 }), extended: true },
  { name: 'junk-reveal-flood', mix: ({ tolerance }) => ({ sybil: tolerance, 'junk-reveal-flood': 1 }), extended: true },
  { name: 'reveal-list-flood', mix: ({ tolerance }) => ({ sybil: tolerance, 'list-flood': 1 }), extended: true },
  { name: 'attestation-flood', mix: ({ tolerance }) => ({ sybil: tolerance, 'attest-flood': 1 }), extended: true },
  { name: 'hello-flood', mix: ({ tolerance }) => ({ sybil: tolerance, 'hello-flood': 1 }), extended: true },
  { name: 'request-flood', mix: ({ tolerance }) => ({ sybil: tolerance, 'request-flood': 1 }), extended: true },
  // The same from 3 × 100 requests: the full flood costs the simulator minutes of CPU per run.
  { name: 'request-flood-300', mix: ({ tolerance }) => ({ sybil: tolerance, 'request-flood': 1 }), requestsPerIdentity: 100, extended: true },
  // JSON mode (issue 13), run by sim-json.test.ts.
  { name: 'json-honest', mix: () => ({}), json: true, extended: true },
  { name: 'json-exact-liars', mix: ({ tolerance }) => ({ 'json-exact-liar': tolerance }), json: true, extended: true },
  { name: 'json-invalid', mix: ({ tolerance }) => ({ 'json-invalid': tolerance }), json: true, extended: true },
  { name: 'json-mixed', mix: ({ tolerance }) => ({ 'json-exact-liar': Math.ceil(tolerance / 2), 'json-invalid': Math.floor(tolerance / 2) }), json: true, extended: true },
  { name: 'sybil-above', mix: ({ tolerance }) => ({ sybil: tolerance + 1 }) },
  { name: 'withhold-above', mix: ({ tolerance }) => ({ withhold: tolerance + 1 }) },
  { name: 'garbage-half', mix: ({ committers }) => ({ garbage: Math.ceil(committers / 2) }) },
  { name: 'mixed-above', mix: ({ required, committers, extras }) => mixed(committers - required + Math.ceil((committers - required) / 2), extras) },
  { name: 'sybil-at-required', mix: ({ required }) => ({ sybil: required }) },
  { name: 'json-invalid-above', mix: ({ tolerance }) => ({ 'json-invalid': tolerance + 1 }), json: true, extended: true },
];
