import { hammingDistance } from '../../src/consensus/hamming.js';

/** Texts embedded in every environment to measure bit disagreement (pairs of paraphrases, then unrelated ones). */
export const AGREEMENT_TEXTS = [
  'Return the number of items in the list.',
  'Return how many items the list holds.',
  'Open the file for reading and return a stream.',
  'Open a file for reading; a stream is returned.',
  'Raise an error if the socket is already closed.',
  'If the socket was closed, an error is raised.',
  'Convert the string to lower case.',
  'The string is converted to lowercase.',
  'Wait until the thread terminates.',
  'Block until the thread has finished.',
  'A decentralized network of browser tabs runs inference.',
  'Consensus picks the densest sphere of binary embeddings.',
  'The quick brown fox jumps over the lazy dog.',
  'Parse the configuration file and return a dictionary of options.',
  'Rakis nodes commit, reveal and then attest to a result.',
  '',
  'Unicode: naïve café — 東京 — emoji 🚀',
  'x',
] as const;

/** The most bits any embedding in `rows` (as a page returns them: plain arrays) differs from its counterpart in `reference`. */
export function maxDisagreement(rows: readonly (readonly number[])[], reference: readonly (Uint8Array | readonly number[])[]): number {
  return Math.max(...rows.map((row, i) => hammingDistance(Uint8Array.from(row), Uint8Array.from(reference[i]!))));
}
