/**
 * How JSON mode splits an answer for consensus: the exact part (numbers, integers, booleans, enums,
 * exact strings, and the shape: which optional properties are present, how long each array is) must be
 * identical within the agreeing cluster; the free-text strings are what gets embedded and compared by
 * distance. Both are derived from the answer and the schema alone, so every worker and verifier
 * derives the same.
 */
import { canonicalJson } from './canonical.js';
import { readJsonAnswer } from './json-answer-check.js';
import { isExactString, schemaProperties, type JsonSchema, type ObjectSchema } from './json-schema.js';

export interface JsonSplit {
  /** Canonical JSON of the answer with every free-text string replaced by null. */
  exactKey: string;
  /** The free-text strings in document order (properties in canonical key order, then array order). */
  freeTexts: { path: string; text: string }[];
}

export function splitJsonAnswer(value: unknown, schema: ObjectSchema): JsonSplit {
  const freeTexts: JsonSplit['freeTexts'] = [];
  const exact = project(value, schema, '$', freeTexts);
  return { exactKey: canonicalJson(exact), freeTexts };
}

function project(value: unknown, schema: JsonSchema, path: string, free: JsonSplit['freeTexts']): unknown {
  switch (schema.type) {
    case 'object': {
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, property] of schemaProperties(schema)) {
        if (Object.hasOwn(record, key)) out[key] = project(record[key], property, `${path}.${key}`, free);
      }
      return out;
    }
    case 'array':
      return (value as unknown[]).map((item) => project(item, schema.items, `${path}[]`, free));
    case 'string':
      if (isExactString(schema)) return value;
      free.push({ path, text: value as string });
      return null;
    default:
      return value;
  }
}

/** The leaf fields of a schema, `$.a.b` and `$.list[]` for array items, with how each is compared. */
export function schemaFields(schema: JsonSchema, path = '$'): { path: string; match: 'exact' | 'free' }[] {
  switch (schema.type) {
    case 'object':
      return schemaProperties(schema).flatMap(([key, property]) => schemaFields(property, `${path}.${key}`));
    case 'array':
      return schemaFields(schema.items, `${path}[]`);
    case 'string':
      return [{ path, match: isExactString(schema) ? 'exact' : 'free' }];
    default:
      return [{ path, match: 'exact' }];
  }
}

/**
 * The text a worker embeds and commits to, and a verifier re-embeds: in JSON mode the answer's
 * free-text strings, one per line (the exact fields are compared as values, not by embedding); an
 * answer that does not fit the schema is embedded whole (consensus rejects it anyway).
 */
export function embeddingTextOf(output: string, schema: ObjectSchema | undefined): string {
  if (!schema) return output;
  const read = readJsonAnswer(output, schema);
  if ('problem' in read) return output;
  return splitJsonAnswer(read.value, schema).freeTexts.map((field) => field.text).join('\n');
}
