/**
 * `npx tsx bench/frame-distances.ts`: normalized Hamming distances between paraphrases and between
 * unrelated texts under the test encoder (real transformers.js path), the measurements the frame
 * presets' `secDistance` values are chosen from.
 */
import { fileURLToPath } from 'node:url';
import { hammingDistance } from '../src/consensus/index.js';
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

const engine = new EmbeddingEngine('rakis-test/encoder-mini', { modelBaseUrl: fileURLToPath(new URL('../models/', import.meta.url)), thread: 'main' });
await engine.load();
const texts = PARAPHRASES.flat();
const { binary } = await engine.embed(texts);
const bits = binary[0]!.length * 8;
const distance = (i: number, j: number) => hammingDistance(binary[i]!, binary[j]!) / bits;
const paraphrase = PARAPHRASES.map((_, k) => distance(2 * k, 2 * k + 1));
const unrelated: number[] = [];
for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) if (Math.floor(i / 2) !== Math.floor(j / 2)) unrelated.push(distance(i, j));
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};
const p = stats(paraphrase);
const u = stats(unrelated);
console.log(`rakis-test/encoder-mini, ${bits} bits: paraphrases min ${p.min.toFixed(3)} median ${p.median.toFixed(3)} max ${p.max.toFixed(3)} (${paraphrase.length} pairs)`);
console.log(`unrelated min ${u.min.toFixed(3)} median ${u.median.toFixed(3)} max ${u.max.toFixed(3)} (${unrelated.length} pairs)`);
for (const [name, preset] of Object.entries(FRAME_PRESETS)) {
  const admitted = paraphrase.filter((d) => d <= preset.secDistance).length;
  const wronglyAdmitted = unrelated.filter((d) => d <= preset.secDistance).length;
  console.log(`${name.padEnd(9)} secDistance ${preset.secDistance}: paraphrases inside ${admitted}/${paraphrase.length}, unrelated inside ${wronglyAdmitted}/${unrelated.length}`);
}
await engine.unload();
