import { html, nothing, type TemplateResult } from 'lit';
import { readJsonAnswer, schemaProperties, type FieldAgreement, type JsonConsensus, type JsonSchema, type ObjectSchema } from '../../src/node/index.js';
import { shortId } from './format.js';

/** JSON mode in the elements: an answer as a table of its fields (a chunk of its own, `json-view.ts`). */

/** Every leaf of a fitting answer, in canonical key order: `title`, `tags[0]`, `facts[1].name`. */
function leaves(value: unknown, schema: JsonSchema, path: string, into: { path: string; field: string; value: unknown }[], field = path): void {
  if (schema.type === 'object') {
    const record = value as Record<string, unknown>;
    for (const [key, property] of schemaProperties(schema)) {
      if (Object.hasOwn(record, key)) leaves(record[key], property, path ? `${path}.${key}` : key, into, `${field}.${key}`);
    }
  } else if (schema.type === 'array') {
    (value as unknown[]).forEach((item, i) => leaves(item, schema.items, `${path}[${i}]`, into, `${field}[]`));
  } else into.push({ path, field, value });
}

function agreementWords(agreement: FieldAgreement | undefined): string {
  if (!agreement) return '';
  if (agreement.match === 'exact') return 'identical in every agreeing answer';
  return agreement.identical ? 'free text, identical in every agreeing answer' : 'free text, close in meaning (embedding)';
}

/**
 * The answer as a table of fields, with how each agreed when this node verified; an answer that does
 * not fit the schema (only possible from a node that did not check) is shown as text with the reason.
 */
export function renderJsonAnswer(output: string, schema: ObjectSchema, json: JsonConsensus | undefined, part: string): TemplateResult {
  const read = readJsonAnswer(output, schema);
  if ('problem' in read) return html`<div part=${part}><blockquote>${output}</blockquote><p class="warning">This answer does not fit the schema: ${read.problem}</p></div>`;
  const rows: { path: string; field: string; value: unknown }[] = [];
  leaves(read.value, schema, '', rows, '$');
  const fields = new Map(json?.fields.map((field) => [field.path, field]));
  return html`<table part=${part} class="json-answer">
    <thead><tr><th scope="col">Field</th><th scope="col">Value</th>${json ? html`<th scope="col">Agreement</th>` : nothing}</tr></thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr>
          <th scope="row"><code>${row.path}</code></th>
          <td>${typeof row.value === 'string' ? row.value : JSON.stringify(row.value)}</td>
          ${json ? html`<td class="muted">${agreementWords(fields.get(row.field))}</td>` : nothing}
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** How the fields agreed, and the answers set aside because they did not fit the schema. */
export function renderFieldAgreement(json: JsonConsensus, part: string): TemplateResult {
  return html`<section part=${part}>
    <h3>Fields</h3>
    <table>
      <thead><tr><th scope="col">Field</th><th scope="col">Compared</th><th scope="col">In the agreeing answers</th></tr></thead>
      <tbody>
        ${json.fields.map(
          (field) => html`<tr>
            <th scope="row"><code>${field.path}</code></th>
            <td>${field.match === 'exact' ? 'exactly' : 'by embedding'}</td>
            <td>${field.identical ? 'identical' : 'differ in wording, close in meaning'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <p class="muted">${json.groups === 1 ? 'All valid answers had the same exact fields.' : `${json.groups} different sets of exact fields among the valid answers; only one could agree.`}</p>
    ${json.invalid.length > 0
      ? html`<p>Not valid JSON for the schema:</p>
          <ul>
            ${json.invalid.map((item) => html`<li><code title=${item.inferenceId}>${shortId(item.inferenceId)}</code>: ${item.reason}</li>`)}
          </ul>`
      : nothing}
  </section>`;
}
