import type { RunResult } from './world.js';

export interface ScenarioSummary {
  name: string;
  /** Attackers by behaviour (from the first run; sizes depend only on the node count). */
  byzantine: Record<string, number>;
  withinTolerance: boolean;
  runs: number;
  correct: number;
  failedSafely: number;
  wrong: number;
  /** Honest nodes disagreed (reported apart from the other columns, never folded into them). */
  split: number;
  lossRate: number;
  /** Means over the runs: share of judged honest nodes that decided (%), messages and KiB per node for the request. */
  decidedPercent: number;
  messages: number;
  kibPerNode: number;
  /** Largest peak heap of the process over the runs (MiB), and the mean of its per-node estimate (KiB). */
  peakHeapMiB: number;
  heapPerNodeKiB: number;
  /** Mean handling time per received packet of each run's busiest honest node (µs), and its packets. */
  cpuPerPacketUs: number;
  busiestReceived: number;
}

export function summarize(results: readonly RunResult[]): ScenarioSummary[] {
  const byName = new Map<string, RunResult[]>();
  for (const result of results) byName.set(result.scenario, [...(byName.get(result.scenario) ?? []), result]);
  return [...byName].map(([name, runs]) => ({
    name,
    byzantine: Object.fromEntries(Object.entries(runs[0]!.byzantine).filter(([, count]) => (count ?? 0) > 0)) as Record<string, number>,
    withinTolerance: runs[0]!.withinTolerance,
    runs: runs.length,
    correct: runs.filter((r) => r.outcome.class === 'correct').length,
    failedSafely: runs.filter((r) => r.outcome.class === 'failedSafely').length,
    wrong: runs.filter((r) => r.outcome.class === 'wrong').length,
    split: runs.filter((r) => r.outcome.class === 'split').length,
    lossRate: runs[0]!.lossRate,
    decidedPercent: round(mean(runs.map((r) => (100 * r.decided) / r.honestNodes)), 1),
    messages: Math.round(mean(runs.map((r) => r.messages))),
    kibPerNode: round(mean(runs.map((r) => r.bytes / 1024 / r.nodes)), 1),
    peakHeapMiB: round(Math.max(...runs.map((r) => r.peakHeapBytes)) / 2 ** 20, 0),
    heapPerNodeKiB: Math.round(mean(runs.map((r) => r.heapPerNodeBytes)) / 1024),
    cpuPerPacketUs: Math.round(mean(runs.map((r) => r.busiest.cpuPerPacketUs))),
    busiestReceived: Math.round(mean(runs.map((r) => r.busiest.received))),
  }));
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

const pad = (value: string | number, width: number) => String(value).padStart(width);

/** One line per scenario and seed. */
export function formatRuns(results: readonly RunResult[]): string {
  const lines = [
    'scenario                 seed nodes   C tol  byz  within  outcome       decided%  msgs/req  KiB/req/node   answer ms  heapMiB  busiest-pkts  µs/pkt  reason',
  ];
  for (const r of results) {
    const byzantine = Object.values(r.byzantine).reduce((sum, n) => sum + (n ?? 0), 0);
    lines.push(
      [
        r.scenario.padEnd(24),
        pad(r.seed, 4),
        pad(r.nodes, 5),
        pad(r.committers, 3),
        pad(r.tolerance, 3),
        pad(byzantine, 4),
        pad(r.withinTolerance ? 'yes' : 'no', 7),
        ' ' + r.outcome.class.padEnd(12),
        pad(((100 * r.decided) / r.honestNodes).toFixed(0), 8),
        pad(r.messages, 9),
        pad((r.bytes / 1024 / r.nodes).toFixed(1), 13),
        pad(r.lastSettledMs ?? '-', 11),
        pad((r.peakHeapBytes / 2 ** 20).toFixed(0), 8),
        pad(r.busiest.received, 13),
        pad(r.busiest.cpuPerPacketUs.toFixed(0), 7),
        ' ' + r.outcome.reason,
      ].join(' '),
    );
  }
  return lines.join('\n');
}

/** Totals per scenario. */
export function formatSummary(summaries: readonly ScenarioSummary[]): string {
  const lines = ['scenario                 within  runs  correct  failed-safely  wrong  split  decided%  msgs/req  KiB/node  heapMiB  heapKiB/node  µs/pkt  byzantine'];
  for (const s of summaries) {
    const byzantine = Object.entries(s.byzantine).map(([kind, n]) => `${kind}×${n}`).join(' ') || '-';
    lines.push(
      `${s.name.padEnd(24)} ${pad(s.withinTolerance ? 'yes' : 'no', 6)} ${pad(s.runs, 5)} ${pad(s.correct, 8)} ${pad(s.failedSafely, 14)} ${pad(s.wrong, 6)} ${pad(s.split, 6)} ${pad(s.decidedPercent.toFixed(0), 9)} ${pad(s.messages, 9)} ${pad(s.kibPerNode.toFixed(1), 9)} ${pad(s.peakHeapMiB, 8)} ${pad(s.heapPerNodeKiB, 13)} ${pad(s.cpuPerPacketUs, 7)}  ${byzantine}`,
    );
  }
  return lines.join('\n');
}
