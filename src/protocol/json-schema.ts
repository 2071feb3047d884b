/**
 * JSON mode: the subset of JSON Schema a request may carry (`responseSchema`), its check on the wire,
 * and the check of an answer against it. Written as plain code over plain data: no validator that
 * compiles schemas to functions, so the strict-CSP page (no `unsafe-eval`) validates too.
 *
 * The subset: an object at the root; `object` (`properties`, `required`), `string` (`enum`,
 * `maxLength`, `x-match`), `number`, `integer`, `boolean`, and `array` (`items`, `minItems`,
 * `maxItems`) of any of these. Objects are closed (no property the schema does not name). A string's
 * `x-match` says how consensus compares it: `exact` (identical in the agreeing cluster) or `free`
 * (free text, compared by embedding; the default). An `enum` string is always exact.
 */
import { isPlainObject } from './schema.js';

export type JsonSchema = ObjectSchema | StringSchema | NumberSchema | BooleanSchema | ArraySchema;

export interface ObjectSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: false;
  description?: string;
}

export interface StringSchema {
  type: 'string';
  enum?: string[];
  maxLength?: number;
  'x-match'?: 'exact' | 'free';
  description?: string;
}

export interface NumberSchema {
  type: 'number' | 'integer';
  description?: string;
}

export interface BooleanSchema {
  type: 'boolean';
  description?: string;
}

export interface ArraySchema {
  type: 'array';
  items: JsonSchema;
  minItems?: number;
  maxItems?: number;
  description?: string;
}

/** Bounds on a schema from the network: it is walked by every worker and verifier. */
export const SCHEMA_LIMITS = {
  /** Canonical JSON size of the whole schema. */
  bytes: 4096,
  /** Nesting of objects and arrays (the root object is depth 1). */
  depth: 4,
  /** Properties of one object, and enum options of one string. */
  properties: 32,
  /** Schema nodes in all. */
  nodes: 128,
  keyChars: 64,
  enumChars: 128,
  descriptionChars: 256,
  /** Largest `maxLength` and `maxItems` a schema may state. */
  maxLength: 4096,
  maxItems: 64,
} as const;

const KEYS: Record<JsonSchema['type'], readonly string[]> = {
  object: ['type', 'properties', 'required', 'additionalProperties', 'description'],
  string: ['type', 'enum', 'maxLength', 'x-match', 'description'],
  number: ['type', 'description'],
  integer: ['type', 'description'],
  boolean: ['type', 'description'],
  array: ['type', 'items', 'minItems', 'maxItems', 'description'],
};

const PRINTABLE_KEY = /^[\x20-\x7e]+$/;

/** Shape, size and depth of a schema from the wire or an attribute; returns the problem or undefined. */
export function checkResponseSchema(value: unknown, path = 'responseSchema'): string | undefined {
  let size: number;
  try {
    size = new TextEncoder().encode(JSON.stringify(value)).length;
  } catch {
    return `${path} is not JSON`;
  }
  if (size > SCHEMA_LIMITS.bytes) return `${path} is larger than ${SCHEMA_LIMITS.bytes} bytes`;
  if (!isPlainObject(value) || value.type !== 'object') return `${path} must be an object schema ({"type": "object", ...})`;
  const count = { nodes: 0 };
  return checkNode(value, path, 1, count);
}

function checkNode(value: unknown, path: string, depth: number, count: { nodes: number }): string | undefined {
  if (++count.nodes > SCHEMA_LIMITS.nodes) return `${path}: the schema has more than ${SCHEMA_LIMITS.nodes} parts`;
  if (!isPlainObject(value)) return `${path} must be a schema object`;
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) {
    return `${path}.type must be one of ${Object.keys(KEYS).join(', ')}`;
  }
  for (const key of Object.keys(value)) {
    if (!KEYS[type as JsonSchema['type']].includes(key)) return `${path}.${key} is not supported for type ${type}`;
  }
  if (value.description !== undefined && (typeof value.description !== 'string' || value.description.length > SCHEMA_LIMITS.descriptionChars)) {
    return `${path}.description must be a string of at most ${SCHEMA_LIMITS.descriptionChars} characters`;
  }
  switch (type) {
    case 'object':
      return checkObject(value, path, depth, count);
    case 'string':
      return checkString(value, path);
    case 'array': {
      if (depth >= SCHEMA_LIMITS.depth) return `${path} nests deeper than ${SCHEMA_LIMITS.depth} levels`;
      const min = value.minItems ?? 0;
      const max = value.maxItems ?? SCHEMA_LIMITS.maxItems;
      if (!isCount(min, SCHEMA_LIMITS.maxItems)) return `${path}.minItems must be an integer within 0..${SCHEMA_LIMITS.maxItems}`;
      if (!isCount(max, SCHEMA_LIMITS.maxItems)) return `${path}.maxItems must be an integer within 0..${SCHEMA_LIMITS.maxItems}`;
      if (min > max) return `${path}.minItems is above maxItems`;
      if (value.items === undefined) return `${path}.items is missing`;
      return checkNode(value.items, `${path}.items`, depth + 1, count);
    }
    default:
      return undefined;
  }
}

function checkObject(value: Record<string, unknown>, path: string, depth: number, count: { nodes: number }): string | undefined {
  if (depth > SCHEMA_LIMITS.depth) return `${path} nests deeper than ${SCHEMA_LIMITS.depth} levels`;
  if (value.additionalProperties !== undefined && value.additionalProperties !== false) return `${path}.additionalProperties may only be false (objects are closed)`;
  const properties = value.properties;
  if (!isPlainObject(properties)) return `${path}.properties must be an object`;
  const keys = Object.keys(properties);
  if (keys.length === 0) return `${path}.properties names no property`;
  if (keys.length > SCHEMA_LIMITS.properties) return `${path}.properties has more than ${SCHEMA_LIMITS.properties} properties`;
  for (const key of keys) {
    if (key.length > SCHEMA_LIMITS.keyChars || !PRINTABLE_KEY.test(key) || key.includes('"') || key.includes('\\')) {
      return `${path}.properties has a key that is not 1..${SCHEMA_LIMITS.keyChars} printable characters without quotes or backslashes`;
    }
    const problem = checkNode(properties[key], `${path}.properties.${key}`, depth + 1, count);
    if (problem) return problem;
  }
  const required = value.required;
  if (required !== undefined) {
    if (!Array.isArray(required) || required.some((key) => typeof key !== 'string' || !keys.includes(key))) {
      return `${path}.required must list names of its properties`;
    }
    if (new Set(required).size !== required.length) return `${path}.required names a property twice`;
  }
  return undefined;
}

function checkString(value: Record<string, unknown>, path: string): string | undefined {
  if (value.maxLength !== undefined && (!isCount(value.maxLength, SCHEMA_LIMITS.maxLength) || value.maxLength === 0)) {
    return `${path}.maxLength must be an integer within 1..${SCHEMA_LIMITS.maxLength}`;
  }
  if (value['x-match'] !== undefined && value['x-match'] !== 'exact' && value['x-match'] !== 'free') return `${path}.x-match must be "exact" or "free"`;
  const options = value.enum;
  if (options === undefined) return undefined;
  if (!Array.isArray(options) || options.length === 0 || options.length > SCHEMA_LIMITS.properties) {
    return `${path}.enum must list 1..${SCHEMA_LIMITS.properties} strings`;
  }
  if (options.some((option) => typeof option !== 'string' || option.length > SCHEMA_LIMITS.enumChars)) {
    return `${path}.enum must hold strings of at most ${SCHEMA_LIMITS.enumChars} characters`;
  }
  if (new Set(options).size !== options.length) return `${path}.enum lists an option twice`;
  if (value['x-match'] === 'free') return `${path}: an enum is always compared exactly, not as free text`;
  return undefined;
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/**
 * An object schema's properties in canonical key order (UTF-16 code units, as canonical JSON sorts
 * them): the order every node decodes, embeds and reports in, whether it holds the schema as the
 * requester wrote it or as the packet carried it.
 */
export function schemaProperties(schema: ObjectSchema): [string, JsonSchema][] {
  return Object.keys(schema.properties)
    .sort()
    .map((key) => [key, schema.properties[key]!]);
}

/** Whether consensus compares this string field exactly (enums always). */
export function isExactString(schema: StringSchema): boolean {
  return schema.enum !== undefined || schema['x-match'] === 'exact';
}
