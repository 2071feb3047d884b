import { jsonAnswerFits } from './json-answers.js';

/** What one honest node ended with. */
export type Verdict =
  | { kind: 'decided'; resultHash: string; chosenFrom: string; output: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'unsettled' };

export type RunClass = 'correct' | 'failedSafely' | 'wrong' | 'split';

export interface Classification {
  class: RunClass;
  /** Why, in a few words: the failure reasons, the wrong answer's origin, or how the honest nodes split. */
  reason: string;
}

export interface Judge {
  /** Committers that ran the honest generator. */
  honestCommitters: ReadonlySet<string>;
  /** Whether an output lies within the frame's radius of the noise-free honest answer, in every model of the frame. */
  nearHonest: (output: string) => boolean;
  /** JSON mode: the honest answer's free text (its exact fields are json-answers.ts'). */
  json?: string;
}

/**
 * A decided answer is correct when it is within the honest cluster: its committer ran the honest
 * generator, or its output (re-embedded here) lies within the frame's radius (`secDistance`) of the
 * noise-free honest answer in every model of the frame. Anything else (a sybil's wrong answer, garbage) is
 * wrong. In JSON mode the output must also fit the schema with the honest exact fields.
 */
export function isCorrectAnswer(verdict: Extract<Verdict, { kind: 'decided' }>, judge: Judge): boolean {
  if (judge.honestCommitters.has(verdict.chosenFrom)) return true;
  if (judge.json !== undefined) return jsonAnswerFits(verdict.output, judge.json, judge.nearHonest);
  return judge.nearHonest(verdict.output);
}

/**
 * One run, judged over every honest node (requester, honest workers, verifiers and observers):
 * - `wrong`: at least one honest node decided an answer outside the honest cluster, finally or in the
 *   first decision it announced (a requester's `result` resolves with that first one);
 * - `split`: no wrong answer, but honest nodes did not all end the same way (different result hashes,
 *   or some decided while others failed or never settled): never folded into the other columns;
 * - `correct`: every honest node decided, all with the same result hash, on a correct answer;
 * - `failedSafely`: every honest node failed (or never settled), none decided.
 */
export function classify(verdicts: readonly Verdict[], firstDecisions: readonly Verdict[], judge: Judge): Classification {
  const decided = verdicts.filter((v): v is Extract<Verdict, { kind: 'decided' }> => v.kind === 'decided');
  const wrong = decided.filter((v) => !isCorrectAnswer(v, judge));
  if (wrong.length > 0) {
    return { class: 'wrong', reason: `${wrong.length}/${verdicts.length} honest nodes decided a wrong answer (committer ${wrong[0]!.chosenFrom.slice(0, 8)})` };
  }
  const wrongFirst = firstDecisions.filter((v) => v.kind === 'decided' && !isCorrectAnswer(v, judge));
  if (wrongFirst.length > 0) {
    return { class: 'wrong', reason: `${wrongFirst.length}/${verdicts.length} honest nodes first announced a wrong answer, then revised it` };
  }
  const groups = new Map<string, number>();
  for (const verdict of verdicts) {
    const key = verdict.kind === 'decided' ? `decided:${verdict.resultHash.slice(0, 8)}` : verdict.kind === 'failed' ? `failed:${verdict.reason}` : 'unsettled';
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const summary = [...groups].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${count}× ${key}`).join(', ');
  const hashes = new Set(decided.map((v) => v.resultHash));
  if (decided.length === verdicts.length && hashes.size === 1) return { class: 'correct', reason: '' };
  if (decided.length === 0) return { class: 'failedSafely', reason: summary };
  return { class: 'split', reason: summary };
}
