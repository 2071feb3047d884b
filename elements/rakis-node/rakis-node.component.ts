import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { createNodeFromAttributes, parseNodeAttributes, type NodeStatus, type RakisError, type NodeApi } from '../../src/node/index.js';
import { checked } from '../shared/attributes.js';
import { emit } from '../shared/events.js';
import { formatBytes, percent, shortId } from '../shared/format.js';
import { NodeController, type LocatedNode, type NodeProvider } from '../shared/node-controller.js';
import { errorPanel, RakisElement } from '../shared/rakis-element.js';
import { sharedStyles } from '../shared/styles.js';
import { readContributeConfig, type ContributeConfig } from './contribute-config.js';
import { Contribution } from './contribution.js';
import { rakisNodeStyles } from './rakis-node.styles.js';
import { renderApiConsent, withApiKey } from './api-consent.js';
import { transportList } from './transport-list.js';

/** What the widget is doing, as the `state` attribute reflects it for styling. */
export type RakisNodeState = 'starting' | 'running' | 'asking' | 'loading' | 'contributing' | 'error';

const ATTRIBUTES_THAT_CHOOSE_THE_NODE = ['network', 'relays', 'transports', 'storage', 'nodeOptions'] as const;

/** What a page may add to the options of the node `<rakis-node>` builds from its attributes. */
export type NodeOptionsFromPage = Parameters<typeof createNodeFromAttributes>[1];

/**
 * Hosts a Rakis node in the page: joins the network, shows its status and, once the visitor agrees,
 * contributes compute with the models it lists.
 *
 * @summary A Rakis network node with a compact status and a consent-first "contribute compute" panel.
 *
 * @attr {string} network - Network name; any name other than `rakis1` is a private network. Default `rakis1`.
 * @attr {string} relays - Signaling relay URLs per strategy: `torrent=ws://host:8000 mqtt=ws://host:8083/mqtt libp2p=wss://host:8790`.
 * @attr {string} transports - Transports to join (`torrent mqtt nostr libp2p broadcast-channel`); default the strategies in `relays`, else torrent and BroadcastChannel, with nostr and MQTT only if they find no peer within 5 s. `libp2p` (gossipsub over WebRTC, a bounded number of links per page, for networks past one room; its code is downloaded only then) needs a `libp2p=` relay.
 * @attr {string} storage - `site` (default): IndexedDB of this site, and one node for all its tabs (one runs it, the others use it); any other name: that IndexedDB namespace, shared the same way; `tab`: a node and IndexedDB of this tab alone, kept across its reloads (a duplicated tab gets its own) and deleted by a later tab once it has been gone an hour; `none`: memory only.
 * @attr {string} models - LLMs this node offers to run (space separated ids); none makes it a follower.
 * @attr {string} embedding-models - Embedding models to commit and verify with. Default `nomic-ai/nomic-embed-text-v1.5`.
 * @attr {string} model-base-url - Where the site serves model files itself (relative to the page).
 * @attr {string} api-url - An OpenAI-compatible endpoint (base URL up to `/v1`) to answer through instead of an in-page model; `models` then names the endpoint's models (default: every model its `/models` lists). The consent panel asks for its key.
 * @attr {string} contribute - Absent: off (the visitor may offer); `ask` (or empty): ask the visitor now; `auto`: the site already has consent. May change at any time.
 * @attr {boolean} peers-open - Shows the peer list expanded.
 * @attr {string} state - Reflected, read-only: `starting`, `running`, `asking`, `loading`, `contributing` or `error`.
 *
 * @event {CustomEvent<{node: NodeApi}>} rakis-ready - The node started; `detail.node` is the `NodeApi`.
 * @event {CustomEvent<NodeStatus>} rakis-status - Role, peers, transports or tokens served changed.
 * @event {CustomEvent<{change: 'joined', peer: PeerInfo} | {change: 'left', synthientId: string}>} rakis-peer - A peer joined or left.
 * @event {CustomEvent<EngineProgress>} rakis-progress - Model load progress (throttled by the engines).
 * @event {CustomEvent<{state: 'asking' | 'loading' | 'contributing' | 'failed' | 'off'}>} rakis-contribute - The contribution state changed.
 * @event {CustomEvent} rakis-request - The node saw a request (`requestId`, `prompt`, `frame`, `acceptedModels`, `mine`).
 * @event {CustomEvent<{requestId: string, decision: QuorumDecision, attestations: number}>} rakis-consensus - A request was decided.
 * @event {CustomEvent<{requestId: string, reason: string, explanation: string}>} rakis-failed - A request failed.
 * @event {CustomEvent<{code: string, message: string, requestId?: string}>} rakis-error - Something went wrong; `message` says what.
 *
 * @slot title - Replaces the "Rakis node" heading.
 * @slot consent - Extra text in the consent panel (e.g. the site's own explanation).
 *
 * @csspart header - The heading row with role and peer count.
 * @csspart status - The status list (network, id, transports, tokens).
 * @csspart transports - The list of transports and their health.
 * @csspart consent - The "contribute compute?" panel.
 * @csspart api-key - The API key field of the consent panel (with `api-url`).
 * @csspart progress - The model load progress panel.
 * @csspart button - Every button.
 * @csspart error - Every error panel.
 * @csspart peers - The peer list.
 */
export class RakisNodeElement extends RakisElement implements NodeProvider {
  static override styles = [sharedStyles, rakisNodeStyles];

  @property({ reflect: true }) network: string | null = null;
  @property() relays: string | null = null;
  @property() transports: string | null = null;
  @property() storage: string | null = null;
  @property() models: string | null = null;
  @property({ attribute: 'embedding-models' }) embeddingModels: string | null = null;
  @property({ attribute: 'model-base-url' }) modelBaseUrl: string | null = null;
  @property({ attribute: 'api-url' }) apiUrl: string | null = null;
  /**
   * The key for `api-url`, when the page already has it (its own form); otherwise the consent panel
   * asks. Never reflected to an attribute, sent only to `api-url`, never to peers.
   */
  @property({ attribute: false }) apiKey: string | undefined;
  @property({ reflect: true }) contribute: string | null = null;
  @property({ type: Boolean, attribute: 'peers-open' }) peersOpen = false;
  /** What the widget is doing (reflected as the `state` attribute). */
  @property({ reflect: true }) state: RakisNodeState = 'starting';
  /**
   * Node options attributes cannot express (an `engineLoader`, `transports`, `timings`, ...), for the
   * node this element builds. Setting it restarts that node.
   */
  @property({ attribute: false }) nodeOptions: NodeOptionsFromPage | undefined;

  @state() private lastError: { code: string; message: string } | undefined;
  @state() private warning: string | undefined;

  protected readonly connection = new NodeController(this, {
    check: () => void this.readConfig(),
    locate: () => this.build(),
    subscribe: (node) => this.subscribe(node),
    ready: (node) => {
      emit(this, 'rakis-ready', { node });
      this.contribution.begin(node, this.config());
      this.showState();
    },
    failed: (error) => emit(this, 'rakis-error', { code: error.code, message: error.message }),
  });
  private readonly contribution = new Contribution(this, () => this.showState());

  /** Resolves with the started node; rejects with the reason the node could not start. */
  whenNode(): Promise<NodeApi> {
    return this.connection.whenNode();
  }

  /** Asks the visitor (opens the consent panel), as the "Contribute compute" button does. */
  offerContribution(): void {
    this.contribution.offer();
  }

  /** Starts contributing right away: call it only once the visitor agreed. */
  async startContributing(): Promise<void> {
    await this.contribution.start(this.config()?.options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const chosen = ATTRIBUTES_THAT_CHOOSE_THE_NODE.some((name) => changed.has(name));
    if (chosen && this.hasUpdated && (this.connection.ownsNode || this.connection.state === 'error')) void this.connection.connect();
    else if (changed.has('contribute') && this.hasUpdated) this.contribution.configChanged(this.config());
    this.showState();
  }

  /** The contribution attributes, checked; throws `RakisError('invalid-options')`. */
  private readConfig(): ContributeConfig {
    return readContributeConfig(
      { contribute: this.contribute, models: this.models, embeddingModels: this.embeddingModels, modelBaseUrl: this.modelBaseUrl, apiUrl: this.apiUrl },
      document.baseURI,
    );
  }

  /** The contribution attributes, with the API key the page gave or the person typed. */
  private config(): ContributeConfig | undefined {
    const config = checked(() => this.readConfig()).value;
    return config && { ...config, options: withApiKey(config.options, this.apiKey) };
  }

  /** Builds the node the attributes describe (stopped when this element lets go of it). */
  private async build(): Promise<LocatedNode> {
    parseNodeAttributes(this);
    const { node, warning } = await createNodeFromAttributes(this, this.nodeOptions);
    this.warning = warning;
    return { node, owned: true };
  }

  private subscribe(node: NodeApi): () => void {
    const offs = [
      node.on('status', (status) => {
        this.contribution.roleChanged();
        this.requestUpdate();
        emit(this, 'rakis-status', status);
      }),
      node.on('peer-joined', (peer) => emit(this, 'rakis-peer', { change: 'joined', peer })),
      node.on('peer-left', ({ synthientId }) => emit(this, 'rakis-peer', { change: 'left', synthientId })),
      node.on('engine-progress', (progress) => {
        this.contribution.progressed(progress);
        emit(this, 'rakis-progress', progress);
      }),
      node.on('request', (request) => emit(this, 'rakis-request', request)),
      node.on('consensus', (consensus) => emit(this, 'rakis-consensus', consensus)),
      node.on('failed', (failure) => emit(this, 'rakis-failed', failure)),
      // An endpoint that refuses the key or rate-limits fails jobs, not the node: say why, where the person can act.
      node.on('job', (job) => {
        if (job.state !== 'failed' || !this.config()?.options?.api || !job.reason) return;
        this.lastError = { code: 'api', message: job.reason };
        emit(this, 'rakis-error', { code: 'api', message: job.reason, requestId: job.requestId });
      }),
      node.on('error', (error) => {
        // A failed model load is shown by the contribution panel, with its retry button; a clock that is off by the status, for as long as it is.
        const shownElsewhere = error.code === 'clock' || (this.contribution.state === 'loading' && error.requestId === undefined);
        if (!shownElsewhere) this.lastError = error;
        emit(this, 'rakis-error', error);
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      this.contribution.reset();
    };
  }

  /** The `state` attribute: the node's, then the contribution's. */
  private showState(): void {
    const { state } = this.connection;
    const contribution = this.contribution.state;
    this.state = state === 'error' ? 'error' : state === 'connecting' ? 'starting' : contribution === 'failed' ? 'error' : contribution === 'off' ? 'running' : contribution;
    this.requestUpdate();
  }

  // ---- view ----

  protected renderContent(): TemplateResult {
    const { error, node } = this.connection;
    if (error) return this.renderFatal(error);
    const status = this.connection.state === 'ready' ? node?.status : undefined;
    return html`
      <header part="header">
        <span class="title"><slot name="title">Rakis node</slot></span>
        ${status
          ? html`<span class="badge ${status.role}">${status.role === 'worker' ? 'contributing' : 'follower'}</span>
              <span>${status.peers} ${status.peers === 1 ? 'peer' : 'peers'}</span>`
          : html`<span class="muted" role="status">starting…</span>`}
      </header>
      ${this.warning ? html`<p class="muted">${this.warning}</p>` : nothing}
      ${status?.clock?.off
        ? html`<p class="error" part="error" role="alert">
            <strong>This computer's clock is ${Math.abs(status.clock.offsetSeconds)} s ${status.clock.offsetSeconds > 0 ? 'ahead of' : 'behind'} the network's.</strong>
            Questions and answers from this page will miss their time windows until the clock is set right.
          </p>`
        : nothing}
      ${status ? this.renderStatus(status) : nothing} ${this.renderContribution()}
      ${this.lastError
        ? errorPanel(
            `${this.lastError.code} error`,
            this.lastError.message,
            html`<div><button class="secondary" part="button" @click=${() => (this.lastError = undefined)}>Dismiss</button></div>`,
          )
        : nothing}
      ${status ? this.renderPeers(node!) : nothing}
    `;
  }

  private renderFatal(error: RakisError): TemplateResult {
    return errorPanel(
      'This Rakis node cannot start',
      error.message,
      error.code === 'invalid-options' ? html`<p>Fix the attribute on the <code>&lt;rakis-node&gt;</code> tag and reload.</p>` : nothing,
    );
  }

  private renderStatus(status: NodeStatus): TemplateResult {
    return html`<dl part="status">
      <dt>Network</dt>
      <dd>${status.network}</dd>
      <dt>Node id</dt>
      <dd><code title=${status.synthientId}>${shortId(status.synthientId)}</code></dd>
      <dt>Transports</dt>
      <dd>
        ${transportList(status.transports)}
      </dd>
      ${status.role === 'worker'
        ? html`<dt>Models</dt>
            <dd>${status.models.join(', ')}${this.config()?.options?.api ? html` <span class="muted">through ${this.config()!.options!.api!.baseUrl}</span>` : nothing}</dd>
            <dt>Tokens served</dt>
            <dd>${status.tokensServed}</dd>`
        : nothing}
      <dt>Storage</dt>
      <dd>${status.storage === 'indexeddb' ? 'this browser (IndexedDB)' : 'memory only'}</dd>
      ${status.clock ? html`<dt>Clock</dt><dd>${status.clock.offsetSeconds === 0 ? 'in step with the network' : `${Math.abs(status.clock.offsetSeconds)} s ${status.clock.offsetSeconds > 0 ? 'ahead' : 'behind'}`}</dd>` : nothing}
    </dl>`;
  }

  private renderContribution(): TemplateResult | typeof nothing {
    const config = this.config();
    if (this.connection.state !== 'ready') return nothing;
    switch (this.contribution.state) {
      case 'off':
        return config?.options
          ? html`<button part="button" class="secondary" @click=${() => this.offerContribution()}>Contribute compute…</button>`
          : nothing;
      case 'asking':
        return config?.options ? this.renderConsent(config) : nothing;
      case 'loading':
        return this.renderProgress();
      case 'contributing':
        return nothing;
      case 'failed':
        return errorPanel(
          'Could not start contributing',
          this.contribution.error,
          html`<div class="row">
            <button part="button" @click=${() => void this.startContributing()}>Try again</button>
            <button part="button" class="secondary" @click=${() => this.contribution.set('off')}>Close</button>
          </div>`,
        );
    }
  }

  private renderConsent(config: ContributeConfig): TemplateResult {
    const options = config.options!;
    if (options.api) return renderApiConsent(options.api.baseUrl, options, this.apiKey, (key) => (this.apiKey = key), () => void this.startContributing(), () => this.contribution.set('off'));
    return html`<section class="consent" part="consent" aria-labelledby="consent-title">
      <h3 id="consent-title">Contribute compute to the Rakis network?</h3>
      <p>While this page is open, it will download and run these models to answer other people's questions:</p>
      <ul>
        ${options.models.map((model) => html`<li><code>${model}</code> (language model)</li>`)}
        ${options.embeddingModels.map((model) => html`<li><code>${model}</code> (embedding model)</li>`)}
      </ul>
      <p class="muted">From ${options.modelBaseUrl ? html`<code>${options.modelBaseUrl}</code>` : 'the models’ public hubs'}. Downloads are cached by your browser; you can stop by closing the page.</p>
      <slot name="consent"></slot>
      <div class="row">
        <button part="button" @click=${() => void this.startContributing()}>Start contributing</button>
        <button part="button" class="secondary" @click=${() => this.contribution.set('off')}>Not now</button>
      </div>
    </section>`;
  }

  private renderProgress(): TemplateResult {
    const loads = [...this.contribution.progress.values()];
    return html`<section part="progress" aria-labelledby="progress-title">
      <h3 id="progress-title">Loading models…</h3>
      ${loads.length === 0 ? html`<p class="muted" role="status">Preparing…</p>` : nothing}
      ${loads.map(
        (load) => html`<p>
            <code>${load.model}</code>: ${load.phase} ${percent(load.progress)}
            ${load.totalBytes > 0 ? html`<span class="muted">(${formatBytes(load.loadedBytes)} of ${formatBytes(load.totalBytes)})</span>` : nothing}
          </p>
          <progress max="1" .value=${load.progress} aria-label="Loading ${load.model}"></progress>`,
      )}
      <button part="button" class="secondary" @click=${() => this.contribution.cancel()}>Cancel</button>
    </section>`;
  }

  private renderPeers(node: NodeApi): TemplateResult {
    const peers = node.peers;
    return html`<details part="peers" ?open=${this.peersOpen}>
      <summary>Peers (${peers.length})</summary>
      ${peers.length === 0
        ? html`<p class="muted">No peers yet.</p>`
        : html`<table>
            <thead>
              <tr><th scope="col">Node</th><th scope="col">Role</th><th scope="col">Models</th><th scope="col">Via</th><th scope="col">Tokens</th></tr>
            </thead>
            <tbody>
              ${peers.map(
                (peer) => html`<tr>
                  <td><code title=${peer.synthientId}>${shortId(peer.synthientId)}</code></td>
                  <td>${peer.role ?? '?'}</td>
                  <td>${peer.models.join(', ') || '—'}</td>
                  <td>${peer.transports.join(', ')}</td>
                  <td>${peer.tokensServed}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </details>`;
  }
}
