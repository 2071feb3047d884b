/**
 * Consensus in JSON mode. Answers that do not parse or fit the schema are set aside with their reason
 * and count against agreement, as rejected reveals do. The rest are grouped by their exact part (every
 * number, integer, boolean, enum and exact string, and the answer's shape, as canonical JSON): only
 * answers with identical exact parts can agree. Within each group the densest sphere is searched over
 * the embeddings of the free-text fields, as in text mode. The largest cluster of all groups wins, ties
 * going to the lowest centre commitment; it must hold `ceil(secPercentage × C)` answers, and its chosen
 * answer is picked as in text mode. Every step is over points in commitment order, so the result does
 * not depend on arrival order.
 */
import { compareHex, readJsonAnswer, schemaFields, splitJsonAnswer, type ObjectSchema } from '../protocol/index.js';
import { decide, type ConsensusPoint, type ConsensusResult, type DecideInput } from './decide.js';

export interface JsonConsensusPoint extends ConsensusPoint {
  output: string;
}

export interface JsonDecideInput extends Omit<DecideInput, 'points'> {
  points: readonly JsonConsensusPoint[];
  schema: ObjectSchema;
}

/** How one schema field fared in the agreeing cluster. */
export interface FieldAgreement {
  /** `$.a.b`, `$.list[]` for array items. */
  path: string;
  /** `exact`: identical by rule; `free`: free text within the sphere. */
  match: 'exact' | 'free';
  /** Whether every member holds the same value there (always, for exact fields). */
  identical: boolean;
}

export interface JsonConsensus {
  /** Verified reveals whose answer does not fit the schema, with the reason, in commitment order. */
  invalid: { inferenceId: string; reason: string }[];
  /** The schema's fields and how they agreed (empty when nothing was decided). */
  fields: FieldAgreement[];
  /** Distinct exact parts among the valid answers. */
  groups: number;
}

export type JsonConsensusResult = ConsensusResult & { json: JsonConsensus };

export function decideJson(input: JsonDecideInput): JsonConsensusResult {
  const { schema, ...frame } = input;
  const points = [...input.points].sort((a, b) => compareHex(a.commitment, b.commitment));
  const invalid: JsonConsensus['invalid'] = [];
  const groups = new Map<string, { points: JsonConsensusPoint[]; values: unknown[] }>();
  for (const point of points) {
    const read = readJsonAnswer(point.output, schema);
    if ('problem' in read) {
      invalid.push({ inferenceId: point.inferenceId, reason: read.problem });
      continue;
    }
    const key = splitJsonAnswer(read.value, schema).exactKey;
    const group = groups.get(key) ?? { points: [], values: [] };
    group.points.push(point);
    group.values.push(read.value);
    groups.set(key, group);
  }
  const rejectedCount = (input.rejectedCount ?? 0) + invalid.length;
  const json = (fields: FieldAgreement[]): JsonConsensus => ({ invalid, fields, groups: groups.size });
  if (groups.size === 0) return { ...decide({ ...frame, points: [], rejectedCount }), json: json([]) };

  let best: { result: ConsensusResult; values: unknown[]; ids: string[] } | undefined;
  const sphereSizes = new Map<string, number>();
  for (const group of groups.values()) {
    const result = decide({ ...frame, points: group.points, rejectedCount });
    for (const [id, size] of result.sphereSizes) sphereSizes.set(id, size);
    if (!best || beats(result, best.result, input.points)) best = { result, values: group.values, ids: group.points.map((point) => point.inferenceId) };
  }
  const result = best!.result;
  if (result.status === 'failed') return { ...result, sphereSizes, json: json([]) };
  const members = new Set(result.members);
  const memberValues = best!.values.filter((_, i) => members.has(best!.ids[i]!));
  const setAside = new Set(invalid.map((item) => item.inferenceId));
  const valid = points.filter((point) => !setAside.has(point.inferenceId));
  return {
    ...result,
    outliers: valid.filter((point) => !members.has(point.inferenceId)).map((point) => point.inferenceId),
    sphereSizes,
    json: json(fieldAgreements(schema, memberValues)),
  };
}

/** Whether `a` is a better cluster than `b`: decided over failed, then larger, then lower centre commitment. */
function beats(a: ConsensusResult, b: ConsensusResult, points: readonly JsonConsensusPoint[]): boolean {
  const size = (result: ConsensusResult) => (result.status === 'decided' ? result.members.length : result.bestClusterSize);
  if (size(a) !== size(b)) return size(a) > size(b);
  if (a.status !== 'decided' || b.status !== 'decided') return false;
  const commitment = (id: string) => points.find((point) => point.inferenceId === id)!.commitment;
  return compareHex(commitment(a.centre), commitment(b.centre)) < 0;
}

function fieldAgreements(schema: ObjectSchema, values: unknown[]): FieldAgreement[] {
  const texts = values.map((value) => splitJsonAnswer(value, schema).freeTexts);
  return schemaFields(schema).map(({ path, match }) => {
    if (match === 'exact') return { path, match, identical: true };
    const seen = texts.map((fields) => JSON.stringify(fields.filter((field) => field.path === path).map((field) => field.text)));
    return { path, match, identical: seen.every((text) => text === seen[0]) };
  });
}
