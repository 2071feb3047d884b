import { LIMITS, checkResponseSchema, checkSecurityFrame, type ObjectSchema, type SecurityFrame } from '../protocol/index.js';
import { RakisError } from './errors.js';

export type FramePreset = 'fast' | 'balanced' | 'strict';

/**
 * Named frames. Distances are normalized Hamming distances (0..1), so a preset means the same for
 * any embedding size. Every preset keeps secPercentage above 0.5, the bound under which the protocol
 * guarantees the answer lies near an honest one (see the README).
 *
 * The distances come from `bench/frame-distances.ts` on the test encoder (128 bits): paraphrase pairs
 * measured 0.10–0.35 apart (median 0.23), unrelated texts 0.26–0.53 (median 0.41). `fast` (0.25)
 * admits most paraphrases and none of the unrelated pairs measured; `balanced` (0.2) admits the closer
 * half of paraphrases; `strict` (0.12) expects near-identical answers (one model at temperature 0,
 * where nodes agree exactly). The original Rakis compared Euclidean distances over packed bytes with a
 * threshold no two answers could exceed, so every answer "agreed".
 */
export const FRAME_PRESETS: Readonly<Record<FramePreset, Omit<SecurityFrame, 'embeddingModel'>>> = {
  fast: { quorum: 2, maxTimeMs: 20_000, secDistance: 0.25, secPercentage: 0.51 },
  balanced: { quorum: 3, maxTimeMs: 30_000, secDistance: 0.2, secPercentage: 0.66 },
  strict: { quorum: 5, maxTimeMs: 60_000, secDistance: 0.12, secPercentage: 0.8 },
};

export const DEFAULT_EMBEDDING_MODEL = 'nomic-ai/nomic-embed-text-v1.5';

/** The longest answer a request asks for when it does not say. */
export const DEFAULT_MAX_TOKENS = 256;

/** A preset, optionally overridden field by field, validated; throws `RakisError('invalid-frame')` with the reason. */
export function securityFrame(
  preset: FramePreset = 'balanced',
  overrides: Partial<SecurityFrame> = {},
  embeddingModel = DEFAULT_EMBEDDING_MODEL,
): SecurityFrame {
  if (!Object.hasOwn(FRAME_PRESETS, preset)) {
    throw new RakisError('invalid-frame', `unknown frame preset "${preset}"; use ${Object.keys(FRAME_PRESETS).join(', ')}`);
  }
  const frame: SecurityFrame = { ...FRAME_PRESETS[preset], embeddingModel, ...overrides };
  assertFrame(frame);
  return frame;
}

export function assertFrame(frame: unknown): asserts frame is SecurityFrame {
  const problem = checkSecurityFrame(frame, 'frame');
  if (problem) throw new RakisError('invalid-frame', problem);
}

export interface RequestParams {
  acceptedModels: string[];
  temperature?: number;
  maxTokens?: number;
  seed?: number;
  /** JSON mode: answers must be JSON fitting this schema (see the README's JSON mode). */
  responseSchema?: ObjectSchema;
}

export function assertParams(prompt: unknown, params: RequestParams): void {
  if (typeof prompt !== 'string' || prompt.trim().length === 0) throw new RakisError('invalid-params', 'the prompt is empty');
  if (prompt.length > LIMITS.promptChars) throw new RakisError('invalid-params', `the prompt is longer than ${LIMITS.promptChars} characters`);
  if (!Array.isArray(params.acceptedModels) || params.acceptedModels.length === 0) {
    throw new RakisError('invalid-params', 'name at least one accepted model');
  }
  if (params.acceptedModels.length > LIMITS.acceptedModels) {
    throw new RakisError('invalid-params', `at most ${LIMITS.acceptedModels} accepted models`);
  }
  const { temperature = 0, maxTokens = DEFAULT_MAX_TOKENS, seed } = params;
  if (!(temperature >= 0 && temperature <= LIMITS.temperature)) throw new RakisError('invalid-params', `temperature must be within 0..${LIMITS.temperature}`);
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > LIMITS.maxTokens) {
    throw new RakisError('invalid-params', `maxTokens must be an integer within 1..${LIMITS.maxTokens}`);
  }
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)) {
    throw new RakisError('invalid-params', 'seed must be an integer within 0..4294967295');
  }
  assertResponseSchema(params.responseSchema);
}

/** A JSON-mode schema, checked as the network will check it. */
export function assertResponseSchema(schema: unknown): void {
  if (schema === undefined) return;
  const problem = checkResponseSchema(schema, 'responseSchema');
  if (problem) throw new RakisError('invalid-params', problem);
}
