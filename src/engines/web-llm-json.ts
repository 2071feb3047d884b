/**
 * JSON mode on WebLLM: its own JSON-schema response format (grammar-constrained decoding by
 * xgrammar, compiled in WebLLM's worker from the schema text, not by `eval`). WebLLM asks that the
 * prompt also tell the model to write JSON, or a model may write whitespace to the token limit.
 */
import type { ChatCompletionMessageParam, ResponseFormat } from '@mlc-ai/web-llm';
import { schemaProperties, type JsonSchema, type ObjectSchema } from '../protocol/index.js';

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

export function webLlmResponseFormat(schema: ObjectSchema): ResponseFormat {
  return { type: 'json_object', schema: JSON.stringify(standardJsonSchema(schema)) };
}

/** The messages of a JSON-mode request: a system message that names the schema, then the prompt. */
export function webLlmJsonMessages(prompt: string, schema: ObjectSchema): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: `Answer only with JSON that fits this JSON Schema: ${JSON.stringify(standardJsonSchema(schema))}` },
    { role: 'user', content: prompt },
  ];
}
