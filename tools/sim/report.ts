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
  }));
}

const pad = (value: string | number, width: number) => String(value).padStart(width);

/** One line per scenario and seed. */
export function formatRuns(results: readonly RunResult[]): string {
  const lines = [
    'scenario             seed nodes   C tol  byz  within  outcome        msgs/req  KiB/req  KiB/req/node  settled+ms  reason',
  ];
  for (const r of results) {
    const byzantine = Object.values(r.byzantine).reduce((sum, n) => sum + (n ?? 0), 0);
    lines.push(
      [
        r.scenario.padEnd(20),
        pad(r.seed, 4),
        pad(r.nodes, 5),
        pad(r.committers, 3),
        pad(r.tolerance, 3),
        pad(byzantine, 4),
        pad(r.withinTolerance ? 'yes' : 'no', 7),
        ' ' + r.outcome.class.padEnd(13),
        pad(r.messages, 9),
        pad((r.bytes / 1024).toFixed(0), 8),
        pad((r.bytes / 1024 / r.nodes).toFixed(1), 13),
        pad(r.lastSettledMs ?? '-', 11),
        ' ' + r.outcome.reason,
      ].join(' '),
    );
  }
  return lines.join('\n');
}

/** Totals per scenario. */
export function formatSummary(summaries: readonly ScenarioSummary[]): string {
  const lines = ['scenario             within  runs  correct  failed-safely  wrong  split  byzantine'];
  for (const s of summaries) {
    const byzantine = Object.entries(s.byzantine).map(([kind, n]) => `${kind}×${n}`).join(' ') || '-';
    lines.push(
      `${s.name.padEnd(20)} ${pad(s.withinTolerance ? 'yes' : 'no', 6)} ${pad(s.runs, 5)} ${pad(s.correct, 8)} ${pad(s.failedSafely, 14)} ${pad(s.wrong, 6)} ${pad(s.split, 6)}  ${byzantine}`,
    );
  }
  return lines.join('\n');
}
