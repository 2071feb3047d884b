/** Our schema subset as engines outside the network read JSON Schema (WebLLM's xgrammar, OpenAI-compatible endpoints). */
import { schemaProperties, type JsonSchema } from '../protocol/index.js';

/** The schema as standard JSON Schema: our `x-match` keyword dropped, every object closed. */
export function standardJsonSchema(schema: JsonSchema): Record<string, unknown> {
  switch (schema.type) {
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(schemaProperties(schema).map(([key, property]) => [key, standardJsonSchema(property)])),
        ...(schema.required ? { required: schema.required } : {}),
        additionalProperties: false,
        ...(schema.description ? { description: schema.description } : {}),
      };
    case 'array':
      return { ...schema, items: standardJsonSchema(schema.items) };
    case 'string': {
      const { 'x-match': _, ...standard } = schema;
      return standard;
    }
    default:
      return { ...schema };
  }
}

/** Whether every object lists all its properties as required: what OpenAI's strict mode demands of a schema. */
export function requiresEveryProperty(schema: JsonSchema): boolean {
  switch (schema.type) {
    case 'object':
      return schemaProperties(schema).every(([key, property]) => schema.required?.includes(key) && requiresEveryProperty(property));
    case 'array':
      return requiresEveryProperty(schema.items);
    default:
      return true;
  }
}
