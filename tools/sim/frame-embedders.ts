import { binarize, hammingDistance, radiusBits } from '../../src/consensus/index.js';
import { embeddingSegments, type SecurityFrame } from '../../src/protocol/index.js';
import { BLIND_SPOT } from './answers.js';
import { ScriptedEmbedder } from './scripted-engines.js';

/**
 * The scripted embedders of a frame's models, in frame order, and the judge's test of an answer: within
 * the frame's radius of the noise-free honest answer in every model. The stand-in for encoder-mini
 * does not see the words of `BLIND_SPOT` (as a real encoder can be blind to what another one sees), so
 * a text can agree with the honest answer in it and not in encoder-tiny.
 */
export function frameEmbedders(frame: SecurityFrame, honest: string): { embedders: ScriptedEmbedder[]; nearHonest: (output: string) => boolean } {
  const segments = embeddingSegments(frame)!;
  const embedders = segments.map(({ model }) => new ScriptedEmbedder(model, model === 'rakis-test/encoder-mini' ? { blindTo: BLIND_SPOT } : {}));
  const embed = (output: string) => segments.map(({ bits }, i) => binarize(embedders[i]!.embed(output), bits));
  const honestEmbeddings = embed(honest);
  const radii = segments.map(({ bits }) => radiusBits(frame.secDistance, bits));
  const nearHonest = (output: string) => embed(output).every((embedding, i) => hammingDistance(embedding, honestEmbeddings[i]!) <= radii[i]!);
  return { embedders, nearHonest };
}
