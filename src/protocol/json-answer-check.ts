import { isPlainObject } from './schema.js';
import { schemaProperties, type JsonSchema, type ObjectSchema } from './json-schema.js';

// Apart from the schema's own checks (json-schema.ts), which every packet needs: only nodes that judge
// or show answers need these, and the script-tag core stays without them.

/**
 * Reads an answer in JSON mode: it must parse as JSON and fit the schema. Returns the value, or the
 * reason it does not (a short sentence naming the path).
 */
export function readJsonAnswer(output: string, schema: ObjectSchema): { value: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(output);
  } catch {
    return { problem: 'the answer is not JSON' };
  }
  const problem = validateJson(value, schema, '$');
  return problem ? { problem } : { value: value as Record<string, unknown> };
}

/** Checks a parsed value against a schema of the subset; returns the problem or undefined. */
export function validateJson(value: unknown, schema: JsonSchema, path: string): string | undefined {
  switch (schema.type) {
    case 'object': {
      if (!isPlainObject(value)) return `${path} must be an object`;
      for (const key of Object.keys(value)) if (!Object.hasOwn(schema.properties, key)) return `${path}.${key} is not in the schema`;
      for (const key of schema.required ?? []) if (!Object.hasOwn(value, key)) return `${path}.${key} is required`;
      for (const [key, property] of schemaProperties(schema)) {
        if (!Object.hasOwn(value, key)) continue;
        const problem = validateJson(value[key], property, `${path}.${key}`);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'string':
      if (typeof value !== 'string') return `${path} must be a string`;
      if (schema.enum && !schema.enum.includes(value)) return `${path} must be one of the enum's options`;
      if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return `${path} is longer than ${schema.maxLength} characters`;
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${path} must be a number`;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : `${path} must be an integer`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${path} must be true or false`;
    case 'array': {
      if (!Array.isArray(value)) return `${path} must be an array`;
      if (value.length < (schema.minItems ?? 0)) return `${path} has fewer than ${schema.minItems} items`;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path} has more than ${schema.maxItems} items`;
      for (let i = 0; i < value.length; i++) {
        const problem = validateJson(value[i], schema.items, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    }
  }
}
