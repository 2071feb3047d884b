import { checkResponseSchema, type ObjectSchema } from '../../src/node/index.js';

/** A schema typed as JSON text (attribute or field): the schema, or the sentence saying what is wrong. */
export function parseSchemaText(text: string): { schema?: ObjectSchema; problem?: string } {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'it is not JSON' };
  }
  const problem = checkResponseSchema(value, 'schema');
  return problem ? { problem } : { schema: value as ObjectSchema };
}
