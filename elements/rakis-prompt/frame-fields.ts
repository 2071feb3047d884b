import { LIMITS, checkSecurityFrame, frameEmbeddingModels, type SecurityFrame } from '../../src/node/index.js';
import { EMBEDDING_MODEL_IDS, isEmbeddingModel } from '../shared/attributes.js';

/**
 * The advanced panel's five frame values as the visitor typed them, and their validation: each field
 * gets its own sentence, so the form can show it next to the input.
 */
export interface FrameFields {
  quorum: string;
  /** The commit window in seconds (the frame holds milliseconds). */
  maxTimeSeconds: string;
  secDistance: string;
  secPercentage: string;
  /** One or more embedding models, space separated, in frame order. */
  embeddingModel: string;
}

export type FrameFieldErrors = Partial<Record<keyof FrameFields, string>>;

export function fieldsFromFrame(frame: SecurityFrame): FrameFields {
  return {
    quorum: String(frame.quorum),
    maxTimeSeconds: String(frame.maxTimeMs / 1000),
    secDistance: String(frame.secDistance),
    secPercentage: String(frame.secPercentage),
    embeddingModel: frameEmbeddingModels(frame).join(' '),
  };
}

/** The frame fields naming these embedding models (at least one): the first, and the others as further models. */
export function frameModels(models: readonly string[]): Pick<SecurityFrame, 'embeddingModel' | 'extraEmbeddingModels'> {
  const [embeddingModel, ...extras] = models;
  return { embeddingModel: embeddingModel!, ...(extras.length > 0 ? { extraEmbeddingModels: extras.map((model) => ({ model })) } : {}) };
}

function number(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** The frame the fields describe, or the reason of every field that is wrong. */
export function frameFromFields(fields: FrameFields): { frame: SecurityFrame; errors: {} } | { frame: undefined; errors: FrameFieldErrors } {
  const errors: FrameFieldErrors = {};
  const quorum = number(fields.quorum);
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > LIMITS.quorum) errors.quorum = `a whole number of answers from 1 to ${LIMITS.quorum}`;
  const seconds = number(fields.maxTimeSeconds);
  const minSeconds = LIMITS.minWindowMs / 1000;
  const maxSeconds = LIMITS.maxWindowMs / 1000;
  if (!(seconds >= minSeconds && seconds <= maxSeconds)) errors.maxTimeSeconds = `seconds from ${minSeconds} to ${maxSeconds}`;
  const secDistance = number(fields.secDistance);
  if (!(secDistance >= 0 && secDistance <= 1)) errors.secDistance = 'a distance from 0 (identical) to 1 (opposite)';
  const secPercentage = number(fields.secPercentage);
  if (!(secPercentage > 0 && secPercentage <= 1)) errors.secPercentage = 'a share above 0 and at most 1 (e.g. 0.66)';
  const embeddingModels = fields.embeddingModel.split(/\s+/).filter(Boolean);
  if (embeddingModels.length === 0 || !embeddingModels.every(isEmbeddingModel)) errors.embeddingModel = `one or more of ${EMBEDDING_MODEL_IDS}`;
  else if (embeddingModels.length > 1 + LIMITS.extraEmbeddingModels) errors.embeddingModel = `at most ${1 + LIMITS.extraEmbeddingModels} models`;
  if (Object.keys(errors).length > 0) return { frame: undefined, errors };

  const frame: SecurityFrame = { quorum, maxTimeMs: Math.round(seconds * 1000), secDistance, secPercentage, ...frameModels(embeddingModels) };
  // The protocol's own check has the last word (it knows rules these fields do not spell out).
  const problem = checkSecurityFrame(frame, 'frame');
  if (problem) return { frame: undefined, errors: { quorum: problem } };
  return { frame, errors: {} };
}

/** Below a majority, the protocol no longer guarantees the answer lies near an honest one. */
export function weakAgreement(fields: FrameFields): boolean {
  return number(fields.secPercentage) <= 0.5;
}
