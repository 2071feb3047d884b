/**
 * `npx tsx bench/frame-distances.ts`: normalized Hamming distances between paraphrases and between
 * unrelated texts under each test encoder (real transformers.js path), the measurements the frame
 * presets' `secDistance` values are chosen from; then, per preset, how many pairs each model alone and
 * both together (a pair agrees only if within the radius in every model) admit.
 */
import { fileURLToPath } from 'node:url';
import { hammingDistance, radiusBits } from '../src/consensus/index.js';
import { EmbeddingEngine } from '../src/engines/embedding-engine.js';
import { FRAME_PRESETS } from '../src/node/index.js';
import { parseCli } from '../testkit/cli.js';

parseCli(import.meta.url);

const PARAPHRASES: [string, string][] = [
  ['Return the number of items in the list.', 'Return the number of list items.'],
  ['Open the file for reading.', 'Open the file so it can be read.'],
  ['Raise an error if the socket is closed.', 'Raise an error when the socket has been closed.'],
  ['Return a copy of the string in lower case.', 'Return the string converted to lower case.'],
  ['Remove all items from the dictionary.', 'Remove every item from the dictionary.'],
  ['Wait until the thread terminates.', 'Block until the thread has terminated.'],
  ['The sky is blue because air scatters blue light.', 'Air scatters blue light, which is why the sky is blue.'],
  ['Sort the list in place.', 'Sort the list in place and return None.'],
];
const MODELS = ['rakis-test/encoder-mini', 'rakis-test/encoder-tiny'] as const;

const texts = PARAPHRASES.flat();
const paraphrasePairs = PARAPHRASES.map((_, k): [number, number] => [2 * k, 2 * k + 1]);
const unrelatedPairs: [number, number][] = [];
for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) if (Math.floor(i / 2) !== Math.floor(j / 2)) unrelatedPairs.push([i, j]);

/** Per model: the texts' binary embeddings and their size. */
const embedded: { model: string; binary: Uint8Array[]; bits: number }[] = [];
for (const model of MODELS) {
  const engine = new EmbeddingEngine(model, { modelBaseUrl: fileURLToPath(new URL('../models/', import.meta.url)), thread: 'main' });
  await engine.load();
  const { binary } = await engine.embed(texts);
  embedded.push({ model, binary, bits: binary[0]!.length * 8 });
  await engine.unload();
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};
for (const { model, binary, bits } of embedded) {
  const distance = ([i, j]: [number, number]) => hammingDistance(binary[i]!, binary[j]!) / bits;
  const p = stats(paraphrasePairs.map(distance));
  const u = stats(unrelatedPairs.map(distance));
  console.log(`${model}, ${bits} bits: paraphrases min ${p.min.toFixed(3)} median ${p.median.toFixed(3)} max ${p.max.toFixed(3)} (${paraphrasePairs.length} pairs); unrelated min ${u.min.toFixed(3)} median ${u.median.toFixed(3)} max ${u.max.toFixed(3)} (${unrelatedPairs.length} pairs)`);
}

/** Whether a pair lies within the preset's radius in each of the given models. */
const within = (pair: [number, number], secDistance: number, models: typeof embedded) =>
  models.every(({ binary, bits }) => hammingDistance(binary[pair[0]]!, binary[pair[1]]!) <= radiusBits(secDistance, bits));
const columns: [string, typeof embedded][] = [
  ...embedded.map((one): [string, typeof embedded] => [one.model.replace('rakis-test/', ''), [one]]),
  ['both', embedded],
];
console.log('');
console.log(`| preset (secDistance) | ${columns.map(([name]) => `${name}: paraphrases in`).join(' | ')} | ${columns.map(([name]) => `${name}: unrelated in`).join(' | ')} |`);
console.log(`| --- |${' --- |'.repeat(columns.length * 2)}`);
for (const [name, preset] of Object.entries(FRAME_PRESETS)) {
  const paraphrases = columns.map(([, models]) => `${paraphrasePairs.filter((pair) => within(pair, preset.secDistance, models)).length}/${paraphrasePairs.length}`);
  const unrelated = columns.map(([, models]) => `${unrelatedPairs.filter((pair) => within(pair, preset.secDistance, models)).length}/${unrelatedPairs.length}`);
  console.log(`| ${name} (${preset.secDistance}) | ${paraphrases.join(' | ')} | ${unrelated.join(' | ')} |`);
}
