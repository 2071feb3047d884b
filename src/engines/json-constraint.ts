/**
 * Constrained decoding for JSON mode: at each step, every token whose text the schema's automaton
 * cannot accept from the current state, or after which the document could no longer be finished in
 * the tokens left, gets logit -Infinity; the end token is allowed exactly when the document is
 * complete. Tokens are walked as a trie of their texts, so a prefix the automaton refuses prunes all
 * tokens that share it. Pure: it sees token texts and logits, not the library that produced them.
 */
import type { ObjectSchema } from '../protocol/index.js';
import { initialState, isComplete, minRemaining, step, type JsonState } from './json-automaton.js';

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Tokens whose text ends here. */
  ids: number[];
}

export interface TokenVocabulary {
  root: TrieNode;
  /** Token text by id ('' for tokens never allowed: special, or not whole characters). */
  texts: readonly string[];
  eosId: number;
}

/**
 * The vocabulary of a tokenizer from each token's text. Tokens that are empty, or hold U+FFFD (a
 * byte-level piece of a multi-byte character), are never allowed: the automaton reads whole characters.
 */
export function tokenVocabulary(texts: readonly string[], eosId: number): TokenVocabulary {
  const root: TrieNode = { children: new Map(), ids: [] };
  const kept = texts.map((text, id) => (id === eosId || text === '' || text.includes('\uFFFD') ? '' : text));
  kept.forEach((text, id) => {
    if (!text) return;
    let node = root;
    for (const char of text) {
      let child = node.children.get(char);
      if (!child) node.children.set(char, (child = { children: new Map(), ids: [] }));
      node = child;
    }
    node.ids.push(id);
  });
  return { root, texts: kept, eosId };
}

/** The tokens allowed from `state` when `tokensLeft` tokens (this one included) may still be written. */
export function allowedTokens(vocabulary: TokenVocabulary, state: JsonState, tokensLeft: number): number[] {
  if (isComplete(state)) return [vocabulary.eosId];
  const allowed: number[] = [];
  const walk = (node: TrieNode, from: JsonState) => {
    for (const [char, child] of node.children) {
      const next = step(from, char);
      if (!next) continue;
      if (child.ids.length > 0 && minRemaining(next) <= tokensLeft - 1) allowed.push(...child.ids);
      walk(child, next);
    }
  };
  walk(vocabulary.root, state);
  return allowed;
}

/** The decoder's side of one generation: feeds each chosen token and masks the next step's logits. */
export class JsonConstraint {
  private state: JsonState;
  private written = 0;

  constructor(
    private readonly vocabulary: TokenVocabulary,
    schema: ObjectSchema,
    private readonly maxTokens: number,
  ) {
    this.state = initialState(schema);
    if (minRemaining(this.state) > maxTokens) {
      throw new RangeError(`the shortest answer the schema accepts needs ${minRemaining(this.state)} tokens; the request allows ${maxTokens}`);
    }
  }

  /** Records a token the model chose. */
  accept(id: number): void {
    this.written++;
    if (id === this.vocabulary.eosId) return;
    for (const char of this.vocabulary.texts[id] ?? '') {
      const next = step(this.state, char);
      if (!next) throw new Error(`token ${id} does not fit the schema here`);
      this.state = next;
    }
  }

  /** Sets every logit the schema forbids next to -Infinity (`logits` holds one score per token id). */
  mask(logits: Float32Array | Float64Array): void {
    const allowed = allowedTokens(this.vocabulary, this.state, this.maxTokens - this.written);
    const keep = new Uint8Array(logits.length);
    for (const id of allowed) if (id < keep.length) keep[id] = 1;
    for (let id = 0; id < logits.length; id++) if (!keep[id]) logits[id] = -Infinity;
  }
}
