import { html, type TemplateResult } from 'lit';
import type { ContributeOptions } from '../../src/node/index.js';

/** The contribution options with the key the person typed (or the page gave), for the endpoint only. */
export function withApiKey(options: ContributeOptions | undefined, key: string | undefined): ContributeOptions | undefined {
  if (!options?.api || !key) return options;
  return { ...options, api: { ...options.api, key } };
}

/**
 * The consent panel of a node that answers through an API: what is used, what is stored, what never
 * leaves the page, and the key field.
 */
export function renderApiConsent(
  baseUrl: string,
  options: ContributeOptions,
  key: string | undefined,
  setKey: (key: string) => void,
  start: () => void,
  decline: () => void,
): TemplateResult {
  return html`<section class="consent" part="consent" aria-labelledby="consent-title">
    <h3 id="consent-title">Contribute through your API endpoint?</h3>
    <p>While this page is open, other people's questions are answered by <code>${baseUrl}</code>
      ${options.models.length > 0 ? html`with ${options.models.map((model, i) => html`${i > 0 ? ', ' : ''}<code>${model}</code>`)}` : 'with the models it lists'},
      and this page embeds the answers with ${options.embeddingModels.map((model, i) => html`${i > 0 ? ', ' : ''}<code>${model}</code>`)} to check them.</p>
    <form
      @submit=${(event: Event) => {
        event.preventDefault();
        start();
      }}
    >
      <label>API key <input part="api-key" type="password" name="api-key" autocomplete="off" spellcheck="false" .value=${key ?? ''}
        @input=${(event: Event) => setKey((event.target as HTMLInputElement).value)} /></label>
      <p class="muted">The key is sent only to <code>${baseUrl}</code>, never to other nodes. It is stored only sealed with the node's password, when it has one; otherwise it lives in this page until you close it. Calls to the endpoint count against your key's quota.</p>
      <slot name="consent"></slot>
      <div class="row">
        <button part="button" type="submit">Start contributing</button>
        <button part="button" type="button" class="secondary" @click=${decline}>Not now</button>
      </div>
    </form>
  </section>`;
}
