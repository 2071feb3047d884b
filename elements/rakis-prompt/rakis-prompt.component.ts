import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import {
  EMBEDDING_MODELS,
  FRAME_PRESETS,
  RakisError,
  securityFrame,
  type FramePreset,
  type NodeApi,
  type RequestHandle,
  type RequestResult,
  type ObjectSchema,
  type SecurityFrame,
} from '../../src/node/index.js';
import { checked } from '../shared/attributes.js';
import { emit } from '../shared/events.js';
import { NodeViewElement, type RequestViewState } from '../shared/node-view-element.js';
import { errorPanel } from '../shared/rakis-element.js';
import { loadJsonView } from '../shared/json-view.js';
import { parseSchemaText } from '../shared/schema-text.js';
import { sharedStyles } from '../shared/styles.js';
import { fieldsFromFrame, frameFromFields, frameModels, weakAgreement, type FrameFieldErrors, type FrameFields } from './frame-fields.js';
import { readPromptConfig, type PromptConfig } from './prompt-config.js';
import { renderProgress, renderReach, renderResult } from './prompt-view.js';
import { rakisPromptStyles } from './rakis-prompt.styles.js';

export type RakisPromptState = RequestViewState;

const FIELD_LABELS: Record<keyof FrameFields, string> = {
  quorum: 'Quorum (answers needed)',
  maxTimeSeconds: 'Answer window (seconds)',
  secDistance: 'Agreement radius (0–1)',
  secPercentage: 'Agreeing share (0–1)',
  embeddingModel: 'Embedding models',
};

function presetLabel(name: FramePreset): string {
  const preset = FRAME_PRESETS[name];
  return `${name}: ${preset.quorum} answers, ${preset.maxTimeMs / 1000} s`;
}

let instances = 0;

/**
 * A prompt box that asks the Rakis network and shows the answer several independent nodes agreed on.
 *
 * @summary Ask the network a question; see the answer, its attestations, or why it failed.
 *
 * @attr {string} models - Models the visitor may accept (space separated); default the models peers offer.
 * @attr {string} preset - Security frame preset: `fast`, `balanced` (default) or `strict`.
 * @attr {string} embedding-model - Embedding model(s) of the frame, space separated (at most 4): answers agree only if close in every one. Default `nomic-ai/nomic-embed-text-v1.5`.
 * @attr {number} max-tokens - Longest answer, in tokens (1–4096). Default 256.
 * @attr {number} temperature - Sampling temperature (0–2). Default 0.
 * @attr {string} placeholder - Placeholder of the prompt field.
 * @attr {string} value - The prompt text.
 * @attr {boolean} advanced - Shows the advanced frame panel (the five frame values) open.
 * @attr {string} response-schema - JSON mode: a JSON Schema (as JSON text) the answer must fit; the answer is shown as a table of fields. See the README's JSON mode for the subset.
 *
 * @event {CustomEvent<{requestId: string, prompt: string, frame: SecurityFrame, acceptedModels: string[]}>} rakis-submit - A request was sent.
 * @event {CustomEvent<RequestResult>} rakis-answer - The network decided; `detail.output` is the chosen answer.
 * @event {CustomEvent<RequestResult>} rakis-failed - The request failed; `detail.reason` and `detail.explanation` say why.
 * @event {CustomEvent<{code: string, message: string}>} rakis-error - The request could not be sent, or no node could be found.
 *
 * @slot label - Replaces the "Ask the network" label of the prompt field.
 *
 * @csspart form - The form.
 * @csspart prompt - The prompt text area.
 * @csspart models - The accepted models fieldset.
 * @csspart reach - How many contributors the node knows for the chosen models.
 * @csspart reach-warning - The warning shown when the frame needs more answers than there are contributors.
 * @csspart advanced - The advanced frame panel.
 * @csspart button - Every button.
 * @csspart progress - The live progress of a request in flight.
 * @csspart answer - The chosen answer (in JSON mode, the table of its fields).
 * @csspart schema - The response schema field of the advanced panel.
 * @csspart attestations - The attestation line under the answer.
 * @csspart error - Every error panel.
 */
export class RakisPromptElement extends NodeViewElement {
  static override styles = [sharedStyles, rakisPromptStyles];

  @property() models: string | null = null;
  @property() preset: string | null = null;
  @property({ attribute: 'embedding-model' }) embeddingModel: string | null = null;
  @property({ attribute: 'max-tokens' }) maxTokens: string | null = null;
  @property() temperature: string | null = null;
  @property() placeholder = 'Ask anything…';
  @property() value = '';
  /** Shows the advanced frame panel open. */
  @property({ type: Boolean }) advanced = false;
  @property({ attribute: 'response-schema' }) responseSchemaJson: string | null = null;

  /** JSON mode: the schema answers must fit (wins over the `response-schema` attribute); it prefills the advanced panel. */
  @property({ attribute: false }) responseSchema: ObjectSchema | undefined;

  /**
   * Frame values the page sets instead of the preset's (any of `quorum`, `maxTimeMs`, `secDistance`,
   * `secPercentage`, `embeddingModel`, `extraEmbeddingModels`); they prefill the advanced panel, where the visitor may still edit them.
   */
  @property({ attribute: false }) frame: Partial<SecurityFrame> | undefined;

  /** The last request's result, once settled. */
  @state() result: RequestResult | undefined;

  @state() private fields: FrameFields | undefined;
  @state() private fieldErrors: FrameFieldErrors = {};
  /** The advanced panel's response schema, as typed (empty: not JSON mode). */
  @state() private schemaText = '';
  @state() private selectedModels: Set<string> | undefined;
  @state() private inputError: string | undefined;
  @state() private sendError: string | undefined;
  @state() private handle: RequestHandle | undefined;

  protected readonly configProperties = ['preset', 'models', 'embeddingModel', 'maxTokens', 'temperature', 'responseSchemaJson'] as const;
  private readonly uid = `rakis-prompt-${++instances}`;

  /** Sends the prompt (the field's text unless given); resolves with the request's result. */
  async ask(prompt: string = this.value): Promise<RequestResult | undefined> {
    this.value = prompt;
    const node = this.connection.node;
    const config = this.config();
    if (!node || !config) return undefined;
    this.inputError = undefined;
    this.sendError = undefined;
    if (prompt.trim() === '') {
      this.inputError = 'Type a question first.';
      return undefined;
    }
    const acceptedModels = [...this.acceptedModels(node, config)];
    if (acceptedModels.length === 0) {
      this.inputError = 'Choose at least one model.';
      return undefined;
    }
    const frame = this.checkedFrame(config);
    const { schema, problem } = parseSchemaText(this.schemaText);
    if (!frame || problem) return undefined;
    if (schema) void loadJsonView().then(() => this.requestUpdate());
    let handle: RequestHandle;
    try {
      handle = node.request(prompt, frame, { acceptedModels, maxTokens: config.maxTokens, temperature: config.temperature, ...(schema ? { responseSchema: schema } : {}) });
    } catch (error) {
      const message = (error as Error).message;
      this.sendError = message;
      emit(this, 'rakis-error', { code: error instanceof RakisError ? error.code : 'invalid-params', message });
      return undefined;
    }
    this.handle = handle;
    this.result = undefined;
    this.tick();
    emit(this, 'rakis-submit', { requestId: handle.requestId, prompt, frame, acceptedModels });
    const result = await handle.result;
    if (this.handle !== handle) return result;
    this.result = result;
    this.tick();
    emit(this, result.outcome === 'decided' ? 'rakis-answer' : 'rakis-failed', result);
    return result;
  }

  /** Stops waiting for the request in flight (the network may still finish it). */
  cancel(): void {
    this.handle?.cancel();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('preset') || changed.has('embeddingModel') || changed.has('frame') || !this.fields) this.resetFields();
    if (changed.has('responseSchema') || changed.has('responseSchemaJson')) {
      const schema = this.responseSchema ?? this.config()?.responseSchema;
      this.schemaText = schema ? JSON.stringify(schema, null, 2) : '';
    }
  }

  protected subscribe(node: NodeApi): () => void {
    const offs = [
      // Peers announcing models change the accepted models on offer.
      node.on('status', () => this.requestUpdate()),
      node.on('request-change', ({ requestId }) => {
        if (requestId !== this.handle?.requestId) return;
        this.tick();
        this.requestUpdate();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  protected readConfig(): PromptConfig {
    return readPromptConfig(this);
  }

  private config(): PromptConfig | undefined {
    return checked(() => this.readConfig()).value;
  }

  protected requestState(): RequestViewState {
    if (this.result) return this.result.outcome;
    return this.handle ? 'in-flight' : 'idle';
  }

  /** The seconds left tick while the request collects commits. */
  private tick(): void {
    this.runClock(!this.result && this.handle?.snapshot()?.phase === 'collecting');
  }

  private resetFields(): void {
    const config = this.config();
    if (!config) return;
    this.fields = fieldsFromFrame({ ...FRAME_PRESETS[config.preset], ...frameModels(config.embeddingModels), ...this.frame });
    this.fieldErrors = frameFromFields(this.fields).errors;
  }

  private checkedFrame(config: PromptConfig): SecurityFrame | undefined {
    const { embeddingModel, ...extras } = frameModels(config.embeddingModels);
    const { frame, errors } = frameFromFields(this.fields ?? fieldsFromFrame(securityFrame(config.preset, extras, embeddingModel)));
    this.fieldErrors = errors;
    return frame;
  }

  /** Models on offer: the attribute's list, else what contributing peers advertise. */
  private offeredModels(node: NodeApi, config: PromptConfig): string[] {
    if (config.models.length > 0) return config.models;
    const advertised = new Set<string>([...node.status.models, ...node.peers.flatMap((peer) => peer.models)]);
    return [...advertised].sort();
  }

  private acceptedModels(node: NodeApi, config: PromptConfig): string[] {
    const offered = this.offeredModels(node, config);
    return this.selectedModels ? offered.filter((model) => this.selectedModels!.has(model)) : offered;
  }

  private toggleModel(model: string, offered: string[], checked: boolean): void {
    const selected = new Set(this.selectedModels ?? offered);
    if (checked) selected.add(model);
    else selected.delete(model);
    this.selectedModels = selected;
  }

  private onField(name: keyof FrameFields, value: string): void {
    this.fields = { ...this.fields!, [name]: value };
    this.fieldErrors = frameFromFields(this.fields).errors;
  }

  private onPreset(preset: string): void {
    this.preset = preset;
  }

  // ---- view ----

  protected renderContent(): TemplateResult {
    const problem = this.renderProblem('This prompt box is misconfigured', 'No Rakis node to ask', html`<p>Fix the attribute on the <code>&lt;rakis-prompt&gt;</code> tag.</p>`);
    if (problem) return problem;
    const config = this.config()!;
    const node = this.connection.node;
    const busy = this.state === 'in-flight';
    return html`
      <form part="form" @submit=${(event: Event) => (event.preventDefault(), void this.ask())}>
        <label for="${this.uid}-prompt"><slot name="label">Ask the network</slot></label>
        <textarea
          id="${this.uid}-prompt"
          part="prompt"
          rows="3"
          .value=${this.value}
          placeholder=${this.placeholder}
          aria-invalid=${this.inputError ? 'true' : 'false'}
          aria-describedby="${this.uid}-input-error"
          @input=${(event: Event) => (this.value = (event.target as HTMLTextAreaElement).value)}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void this.ask();
          }}
        ></textarea>
        <div id="${this.uid}-input-error" class="field-error">${this.inputError ?? ''}</div>
        ${node ? this.renderModels(node, config) : nothing}
        ${node ? renderReach(node.knownContributors(this.acceptedModels(node, config)).size, frameFromFields(this.fields!).frame?.quorum) : nothing}
        <div class="row">
          <label for="${this.uid}-preset">Security</label>
          <select id="${this.uid}-preset" .value=${config.preset} @change=${(event: Event) => this.onPreset((event.target as HTMLSelectElement).value)}>
            ${(Object.keys(FRAME_PRESETS) as FramePreset[]).map((preset) => html`<option value=${preset} ?selected=${preset === config.preset}>${presetLabel(preset)}</option>`)}
          </select>
        </div>
        ${this.renderAdvanced()}
        <div class="row actions">
          <button part="button" type="submit" ?disabled=${!node || busy}>${node ? 'Ask' : 'Connecting…'}</button>
          ${busy ? html`<button part="button" class="secondary" type="button" @click=${() => this.cancel()}>Cancel</button>` : nothing}
        </div>
      </form>
      ${this.sendError ? errorPanel('Could not send', this.sendError) : nothing}
      <div role="status" aria-live="polite">${busy ? renderProgress(this.handle?.snapshot(), Date.now()) : nothing}</div>
      ${this.result ? renderResult(this.result, node?.quorum(this.result.requestId), node?.status.clock) : nothing}
    `;
  }

  private renderModels(node: NodeApi, config: PromptConfig): TemplateResult {
    const offered = this.offeredModels(node, config);
    return html`<fieldset part="models">
      <legend>Accepted models</legend>
      ${offered.length === 0
        ? html`<p class="muted">No contributing peer has announced a model yet.</p>`
        : offered.map(
            (model) => html`<label class="check"
              ><input
                type="checkbox"
                .checked=${this.selectedModels?.has(model) ?? true}
                @change=${(event: Event) => this.toggleModel(model, offered, (event.target as HTMLInputElement).checked)}
              />
              <code>${model}</code></label
            >`,
          )}
    </fieldset>`;
  }

  private renderAdvanced(): TemplateResult {
    const fields = this.fields!;
    const names = Object.keys(FIELD_LABELS) as (keyof FrameFields)[];
    return html`<details part="advanced" ?open=${this.advanced}>
      <summary>Advanced frame</summary>
      <div class="grid">
        ${names.map((name) => {
          const id = `${this.uid}-${name}`;
          const error = this.fieldErrors[name];
          return html`<label for=${id}>${FIELD_LABELS[name]}</label>
            ${name === 'embeddingModel'
              ? this.renderEmbeddingModels(id, fields.embeddingModel, error)
              : html`<input
                  id=${id}
                  inputmode="decimal"
                  .value=${fields[name]}
                  aria-invalid=${error ? 'true' : 'false'}
                  aria-describedby="${id}-error"
                  @input=${(event: Event) => this.onField(name, (event.target as HTMLInputElement).value)}
                />`}
            <span id="${id}-error" class="field-error">${error ? `Expected ${error}.` : ''}</span>`;
        })}
      </div>
      ${fields.embeddingModel.trim().includes(' ') ? html`<p class="muted">Answers agree only if they are within the radius in every embedding model.</p>` : nothing}
      ${weakAgreement(fields) ? html`<p class="muted">An agreeing share of half or less no longer guarantees the answer lies near an honest one.</p>` : nothing}
      ${this.renderSchemaField()}
    </details>`;
  }

  /** Several embedding models may be chosen (Ctrl or Shift); the first chosen in registry order is the frame's first. */
  private renderEmbeddingModels(id: string, value: string, error: string | undefined): TemplateResult {
    const chosen = new Set(value.split(/\s+/));
    const models = Object.keys(EMBEDDING_MODELS);
    const onChange = (event: Event) => {
      const picked = [...(event.target as HTMLSelectElement).selectedOptions].map((option) => option.value);
      // Keep the order the field had (the frame's order), appending newly chosen models.
      const kept = value.split(/\s+/).filter((model) => picked.includes(model));
      this.onField('embeddingModel', [...kept, ...picked.filter((model) => !kept.includes(model))].join(' '));
    };
    return html`<select id=${id} multiple size=${models.length} aria-invalid=${error ? 'true' : 'false'} aria-describedby="${id}-error" @change=${onChange}>
      ${models.map((model) => html`<option value=${model} ?selected=${chosen.has(model)}>${model}</option>`)}
    </select>`;
  }

  private renderSchemaField(): TemplateResult {
    const id = `${this.uid}-schema`;
    const { problem } = parseSchemaText(this.schemaText);
    return html`<label for=${id}>Response schema (JSON Schema; empty for a text answer)</label>
      <textarea
        id=${id}
        part="schema"
        rows="4"
        spellcheck="false"
        .value=${this.schemaText}
        aria-invalid=${problem ? 'true' : 'false'}
        aria-describedby="${id}-error"
        @input=${(event: Event) => (this.schemaText = (event.target as HTMLTextAreaElement).value)}
      ></textarea>
      <span id="${id}-error" class="field-error">${problem ? `This schema cannot be used: ${problem}.` : ''}</span>`;
  }
}
