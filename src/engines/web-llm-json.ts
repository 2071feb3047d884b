/**
 * JSON mode on WebLLM: its own JSON-schema response format (grammar-constrained decoding by
 * xgrammar, compiled in WebLLM's worker from the schema text, not by `eval`). WebLLM asks that the
 * prompt also tell the model to write JSON, or a model may write whitespace to the token limit.
 */
import type { ChatCompletionMessageParam, ResponseFormat } from '@mlc-ai/web-llm';
import type { ObjectSchema } from '../protocol/index.js';
import { standardJsonSchema } from './standard-json-schema.js';

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
