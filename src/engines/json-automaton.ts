/**
 * An incremental recognizer of the JSON a schema (`src/protocol/json-schema.ts`) accepts, one
 * character at a time, for constrained decoding. It accepts one compact spelling: no whitespace
 * outside strings, every property in canonical key order (optional ones too), strings without `\u`
 * escapes, numbers without exponents and at most 15 digits (exact in a double). States are immutable
 * (a step returns a new stack), so a token trie can be walked from one state without undoing.
 *
 * `minRemaining` is the fewest characters that complete the document from a state. Since every
 * state's shortest completion can be written one ASCII character at a time, a decoder that keeps
 * `minRemaining` within its remaining tokens always finishes a valid document in budget.
 */
import { schemaProperties, type ArraySchema, type JsonSchema, type ObjectSchema } from '../protocol/index.js';

/** Longest free-text string the decoder writes when the schema states no `maxLength`. */
export const DEFAULT_FREE_TEXT_CHARS = 64;
/** Digits of a number, so every number the decoder writes is exact in a double. */
const MAX_DIGITS = 15;

type NumberPhase = 'start' | 'sign' | 'zero' | 'int' | 'dot' | 'frac';

type Frame =
  /** A sequence of literal text and values (an object: `{"a":` A `,"b":` B `}`), at part `i`, character `offset`. */
  | { kind: 'seq'; parts: readonly (string | JsonSchema)[]; i: number; offset: number }
  | { kind: 'string'; max: number; count: number; open: boolean; escape: boolean }
  | { kind: 'number'; integer: boolean; phase: NumberPhase; digits: number }
  /** One of several literal spellings (`true`/`false`, an enum's quoted options), matched so far up to `offset`. */
  | { kind: 'choice'; options: readonly string[]; offset: number }
  | { kind: 'array'; schema: ArraySchema; count: number; phase: 'open' | 'first' | 'after' };

export type JsonState = readonly Frame[];

export function initialState(schema: ObjectSchema): JsonState {
  return settle([startFrame(schema)]);
}

export function isComplete(state: JsonState): boolean {
  return state.length === 0;
}

/** The state after `char` (one code point), or null when the schema cannot continue with it. */
export function step(state: JsonState, char: string): JsonState | null {
  const top = state[state.length - 1];
  if (!top) return null;
  const below = state.slice(0, -1);
  switch (top.kind) {
    case 'seq': {
      const part = top.parts[top.i] as string;
      if (char !== part[top.offset]) return null;
      const offset = top.offset + 1;
      return settle([...below, offset === part.length ? { ...top, i: top.i + 1, offset: 0 } : { ...top, offset }]);
    }
    case 'string':
      return stepString(below, top, char);
    case 'number': {
      const phase = numberStep(top, char);
      if (phase) return [...below, { ...top, phase, digits: top.digits + (isDigit(char) ? 1 : 0) }];
      // The number ends where a character cannot continue it; that character belongs to the parent.
      return numberCanEnd(top.phase) ? step(settle(below), char) : null;
    }
    case 'choice': {
      const options = top.options.filter((option) => option[top.offset] === char);
      if (options.length === 0) return null;
      const offset = top.offset + 1;
      if (options.length === 1 && options[0]!.length === offset) return settle(below);
      return [...below, { kind: 'choice', options, offset }];
    }
    case 'array':
      return stepArray(below, top, char);
  }
}

function stepString(below: Frame[], top: Extract<Frame, { kind: 'string' }>, char: string): JsonState | null {
  if (!top.open) return char === '"' ? [...below, { ...top, open: true }] : null;
  if (top.escape) return '"\\/nt'.includes(char) ? [...below, { ...top, escape: false, count: top.count + 1 }] : null;
  if (char === '"') return settle(below);
  if (top.count >= top.max || char < ' ' || char === '\u007f') return null;
  if (char === '\\') return [...below, { ...top, escape: true }];
  return [...below, { ...top, count: top.count + 1 }];
}

function stepArray(below: Frame[], top: Extract<Frame, { kind: 'array' }>, char: string): JsonState | null {
  const { schema, count } = top;
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? DEFAULT_MAX_ITEMS;
  if (top.phase === 'open') return char === '[' ? [...below, { ...top, phase: 'first' }] : null;
  if (char === ']' && count >= min) return settle(below);
  if (top.phase === 'after') {
    if (char !== ',' || count >= max) return null;
    return settle([...below, { ...top, count: count + 1 }, startFrame(schema.items)]);
  }
  if (max === 0) return null;
  return step(settle([...below, { ...top, count: 1, phase: 'after' }, startFrame(schema.items)]), char);
}

/** Items the decoder writes at most when the schema states no `maxItems`. */
export const DEFAULT_MAX_ITEMS = 8;

function startFrame(schema: JsonSchema): Frame {
  switch (schema.type) {
    case 'object':
      return { kind: 'seq', parts: objectParts(schema), i: 0, offset: 0 };
    case 'string':
      if (schema.enum) return { kind: 'choice', options: schema.enum.map((option) => JSON.stringify(option)), offset: 0 };
      return { kind: 'string', max: schema.maxLength ?? DEFAULT_FREE_TEXT_CHARS, count: 0, open: false, escape: false };
    case 'number':
    case 'integer':
      return { kind: 'number', integer: schema.type === 'integer', phase: 'start', digits: 0 };
    case 'boolean':
      return { kind: 'choice', options: ['true', 'false'], offset: 0 };
    case 'array':
      return { kind: 'array', schema, count: 0, phase: 'open' };
  }
}

const PARTS = new WeakMap<ObjectSchema, (string | JsonSchema)[]>();

function objectParts(schema: ObjectSchema): (string | JsonSchema)[] {
  let parts = PARTS.get(schema);
  if (!parts) {
    parts = schemaProperties(schema).flatMap(([key, property], i) => [`${i === 0 ? '{' : ','}${JSON.stringify(key)}:`, property]);
    parts.push('}');
    PARTS.set(schema, parts);
  }
  return parts;
}

/** Pops finished sequences and opens the value a sequence reached, so the top frame expects a character. */
function settle(state: Frame[]): Frame[] {
  for (;;) {
    const top = state[state.length - 1];
    if (top?.kind !== 'seq') return state;
    if (top.i === top.parts.length) {
      state = state.slice(0, -1);
      continue;
    }
    const part = top.parts[top.i]!;
    if (typeof part === 'string') return state;
    state = [...state.slice(0, -1), { ...top, i: top.i + 1, offset: 0 }, startFrame(part)];
  }
}

function isDigit(char: string): boolean {
  return char >= '0' && char <= '9';
}

function numberStep({ phase, integer, digits }: Extract<Frame, { kind: 'number' }>, char: string): NumberPhase | undefined {
  const digit = isDigit(char) && digits < MAX_DIGITS;
  switch (phase) {
    case 'start':
      if (char === '-') return 'sign';
      if (char === '0') return 'zero';
      return digit ? 'int' : undefined;
    case 'sign':
      if (char === '0') return 'zero';
      return digit ? 'int' : undefined;
    case 'zero':
      return char === '.' && !integer ? 'dot' : undefined;
    case 'int':
      if (digit) return 'int';
      // A point needs a digit after it, so it takes one only while a digit is left.
      return char === '.' && !integer && digits < MAX_DIGITS ? 'dot' : undefined;
    case 'dot':
    case 'frac':
      return digit ? 'frac' : undefined;
  }
}

function numberCanEnd(phase: NumberPhase): boolean {
  return phase === 'zero' || phase === 'int' || phase === 'frac';
}

/** The fewest characters that complete the document from this state. */
export function minRemaining(state: JsonState): number {
  let total = 0;
  for (const frame of state) total += frameRemaining(frame);
  return total;
}

function frameRemaining(frame: Frame): number {
  switch (frame.kind) {
    case 'seq': {
      let total = 0;
      for (let i = frame.i; i < frame.parts.length; i++) {
        const part = frame.parts[i]!;
        total += typeof part === 'string' ? part.length - (i === frame.i ? frame.offset : 0) : minLength(part);
      }
      return total;
    }
    case 'string':
      return !frame.open ? 2 : frame.escape ? 2 : 1;
    case 'number':
      return numberCanEnd(frame.phase) ? 0 : 1;
    case 'choice':
      return Math.min(...frame.options.map((option) => option.length - frame.offset));
    case 'array': {
      const min = frame.schema.minItems ?? 0;
      const item = minLength(frame.schema.items);
      if (frame.phase === 'open') return minLength(frame.schema);
      if (frame.count >= min) return 1;
      // Items still owed, each with its separator (the first, from `[`, has none), then `]`.
      const owed = min - frame.count;
      return owed * (item + 1) - (frame.phase === 'first' ? 1 : 0) + 1;
    }
  }
}

const MIN_LENGTH = new WeakMap<JsonSchema, number>();

/** The length of the shortest JSON text the schema accepts in the decoder's spelling. */
export function minLength(schema: JsonSchema): number {
  const known = MIN_LENGTH.get(schema);
  if (known !== undefined) return known;
  let length: number;
  switch (schema.type) {
    case 'object':
      length = objectParts(schema).reduce<number>((sum, part) => sum + (typeof part === 'string' ? part.length : minLength(part)), 0);
      break;
    case 'string':
      length = schema.enum ? Math.min(...schema.enum.map((option) => JSON.stringify(option).length)) : 2;
      break;
    case 'number':
    case 'integer':
      length = 1;
      break;
    case 'boolean':
      length = 4;
      break;
    case 'array': {
      const min = schema.minItems ?? 0;
      length = 2 + (min > 0 ? min * minLength(schema.items) + min - 1 : 0);
      break;
    }
  }
  MIN_LENGTH.set(schema, length);
  return length;
}
