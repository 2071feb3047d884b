import { LitElement, html, nothing, svg, type PropertyValues, type SVGTemplateResult, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { RakisNode } from '../../src/node/index.js';
import type { QuorumSnapshot } from '../../src/quorum/index.js';
import { emit } from '../shared/events.js';
import { secondsLeft, shortId } from '../shared/format.js';
import { NodeConnection } from '../shared/node-connection.js';
import { sharedStyles } from '../shared/styles.js';
import { describePicture, quorumPicture, type PicturePoint, type QuorumPicture } from './picture.js';
import { RejectionLog, requestIdProblem } from './quorum-view.js';
import { rakisQuorumStyles } from './rakis-quorum.styles.js';

export type RakisQuorumState = 'connecting' | 'idle' | 'in-flight' | 'decided' | 'failed' | 'error';

const SIZE = 240;
const MARGIN = 18;
let instances = 0;

/**
 * The consensus of one request, live: commits, reveals, rejections with their reasons, the decision
 * and its attestations, and a picture of the answers in embedding space (classical MDS of the Hamming
 * distances between the revealed binary embeddings) with a text alternative.
 *
 * @summary A live view of one request's commit-reveal consensus and the agreeing cluster.
 *
 * @attr {string} request-id - The request to show (64 hex characters); default: follow the latest request the node sees.
 * @attr {string} node - Id of the `<rakis-node>` to use; default the first on the page, else an observer node of its own.
 * @attr {string} network - Network of its own observer node (only when the page has no `<rakis-node>`).
 * @attr {string} relays - Relays of its own observer node (`torrent=ws://… mqtt=ws://…`).
 * @attr {string} state - Reflected, read-only: `connecting`, `idle`, `in-flight`, `decided`, `failed` or `error`.
 *
 * @event {CustomEvent<{requestId: string}>} rakis-follow - The view switched to another request.
 *
 * @slot empty - Shown while there is no request to show.
 *
 * @csspart header - The request id, phase and prompt.
 * @csspart commits - The commits table.
 * @csspart reveals - The reveals table.
 * @csspart rejections - The list of rejections and their reasons.
 * @csspart decision - The decided answer or the failure.
 * @csspart picture - The embedding-space figure.
 * @csspart error - Every error panel.
 *
 * @cssprop --rakis-color-text - Text colour.
 * @cssprop --rakis-color-surface - Background.
 * @cssprop --rakis-color-muted - Secondary text, undecided points.
 * @cssprop --rakis-color-border - Borders, the sphere.
 * @cssprop --rakis-color-accent - The chosen answer's ring.
 * @cssprop --rakis-color-success - Members of the agreeing cluster.
 * @cssprop --rakis-color-warning - Outliers.
 * @cssprop --rakis-color-danger - Rejected answers, error text.
 * @cssprop --rakis-color-danger-surface - Error background.
 * @cssprop --rakis-radius - Corner radius.
 * @cssprop --rakis-spacing - Inner spacing.
 * @cssprop --rakis-font-family - Font.
 * @cssprop --rakis-font-size - Base font size.
 */
export class RakisQuorumElement extends LitElement {
  static override styles = [sharedStyles, rakisQuorumStyles];

  @property({ attribute: 'request-id' }) requestId: string | null = null;
  @property({ attribute: 'node' }) nodeId: string | null = null;
  @property() network: string | null = null;
  @property() relays: string | null = null;
  /** What the view shows (reflected as the `state` attribute). */
  @property({ reflect: true }) state: RakisQuorumState = 'connecting';

  @state() private followed: string | undefined;
  @state() private snapshot: QuorumSnapshot | undefined;

  private readonly uid = `rakis-quorum-${++instances}`;
  private readonly connection = new NodeConnection(this, (node) => this.subscribe(node));
  private readonly prompts = new Map<string, { prompt: string; secDistance: number }>();
  private readonly rejections = new RejectionLog();
  private pictureCache: { key: string; picture: QuorumPicture } | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;

  /** The node this view reads; assign one to skip finding it. */
  get node(): RakisNode | undefined {
    return this.connection.node;
  }

  set node(node: RakisNode | undefined) {
    this.connection.assign(node);
  }

  /** The request shown: the `request-id` attribute, else the latest one the node saw. */
  get shownRequestId(): string | undefined {
    return this.requestId ? this.requestId.toLowerCase() : this.followed;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Time left ticks even when no packet arrives.
    this.clock = setInterval(() => this.state === 'in-flight' && this.refresh(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const chooser = changed.has('nodeId') || changed.has('network') || changed.has('relays');
    const configFixed = changed.has('requestId') && !this.connection.node;
    if ((chooser || configFixed) && this.hasUpdated && !this.configProblem()) void this.connection.connect();
    if (changed.has('requestId')) this.snapshot = this.read();
    this.state = this.currentState();
  }

  /** @internal */
  configProblem(): string | undefined {
    return this.requestId ? requestIdProblem(this.requestId) : undefined;
  }

  private subscribe(node: RakisNode): () => void {
    const latest = node.requests()[0];
    if (latest) this.followed = latest.requestId;
    this.snapshot = this.read();
    const offs = [
      node.on('request', ({ requestId, prompt, frame }) => {
        this.prompts.set(requestId, { prompt, secDistance: frame.secDistance });
        if (!this.requestId && this.followed !== requestId) {
          this.followed = requestId;
          emit(this, 'rakis-follow', { requestId });
        }
        this.refresh();
      }),
      node.on('quorum', (event) => {
        if (event.requestId !== this.shownRequestId) return;
        this.rejections.add(event);
        this.refresh();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  private read(): QuorumSnapshot | undefined {
    const id = this.shownRequestId;
    return id ? this.connection.node?.quorum(id) ?? (this.snapshot?.requestId === id ? this.snapshot : undefined) : undefined;
  }

  private refresh(): void {
    this.snapshot = this.read();
  }

  private currentState(): RakisQuorumState {
    if (this.connection.state === 'error' || (this.requestId && requestIdProblem(this.requestId))) return 'error';
    if (this.connection.state === 'connecting') return 'connecting';
    const phase = this.snapshot?.phase ?? this.settled()?.outcome;
    if (!phase) return 'idle';
    return phase === 'decided' || phase === 'failed' ? phase : 'in-flight';
  }

  /** A request settled before this view could follow it live (e.g. from an earlier session). */
  private settled() {
    const id = this.shownRequestId;
    return id ? this.connection.node?.results.find((result) => result.requestId === id) : undefined;
  }

  /** The projection costs O(n³): it is recomputed only when the reveals or the decision change. */
  private picture(snapshot: QuorumSnapshot): QuorumPicture {
    const secDistance = this.prompts.get(snapshot.requestId)?.secDistance;
    const key = [snapshot.requestId, secDistance, snapshot.decision?.resultHash, ...snapshot.reveals.map((reveal) => `${reveal.inferenceId}:${reveal.status}`)].join();
    if (this.pictureCache?.key !== key) this.pictureCache = { key, picture: quorumPicture(snapshot, secDistance) };
    return this.pictureCache.picture;
  }

  // ---- view ----

  protected override render(): TemplateResult {
    const problem = this.requestId ? requestIdProblem(this.requestId) : undefined;
    if (problem) {
      return html`<div class="error" part="error" role="alert"><strong>This quorum view is misconfigured</strong>request-id: ${problem}</div>`;
    }
    if (this.connection.state === 'error') {
      return html`<div class="error" part="error" role="alert"><strong>No Rakis node to read</strong>${this.connection.error?.message}</div>`;
    }
    if (this.connection.state === 'connecting') return html`<p class="muted" role="status">Connecting to the network…</p>`;
    const id = this.shownRequestId;
    const snapshot = this.snapshot;
    if (!id) return html`<slot name="empty"><p class="muted">No request yet. This view follows the next one the network sees.</p></slot>`;
    if (!snapshot) {
      const settled = this.settled();
      return html`${this.renderHeader(id, settled ? settled.outcome : 'unknown')}
        ${settled
          ? html`<section part="decision"><p>${settled.outcome === 'decided' ? html`Decided: <q>${settled.output}</q> (${settled.attestations} attestations)` : html`Failed: ${settled.reason}`}</p></section>`
          : html`<p class="muted" role="status">Waiting for this request: the node has not seen it yet.</p>`}`;
    }
    const picture = this.picture(snapshot);
    return html`
      ${this.renderHeader(id, snapshot.phase, snapshot)}
      <div class="layout">
        <div class="tables">${this.renderCommits(snapshot)} ${this.renderReveals(snapshot)} ${this.renderRejections()}</div>
        ${this.renderPicture(picture)}
      </div>
      ${this.renderDecision(snapshot)}
    `;
  }

  private renderHeader(id: string, phase: string, snapshot?: QuorumSnapshot): TemplateResult {
    const prompt = this.prompts.get(id)?.prompt;
    const left = snapshot && snapshot.phase === 'collecting' ? secondsLeft(snapshot.schedule.commitDeadline, Date.now()) : undefined;
    return html`<header part="header">
      <h2>Request <code title=${id}>${shortId(id, 12)}</code> <span class="phase ${phase}">${phase}</span></h2>
      ${prompt ? html`<p class="prompt">“${prompt}”</p>` : nothing}
      ${left !== undefined ? html`<p class="muted">Commit window: ${left} s left</p>` : nothing}
    </header>`;
  }

  private renderCommits(snapshot: QuorumSnapshot): TemplateResult {
    const flagged = new Set(snapshot.flagged);
    return html`<section part="commits" aria-labelledby="${this.uid}-commits">
      <h3 id="${this.uid}-commits">Commits (${snapshot.commits.length})</h3>
      ${snapshot.commits.length === 0
        ? html`<p class="muted">None yet.</p>`
        : html`<table>
            <thead><tr><th scope="col">Node</th><th scope="col">Model</th><th scope="col">Commitment</th></tr></thead>
            <tbody>
              ${snapshot.commits.map(
                (commit) => html`<tr>
                  <td><code title=${commit.from}>${shortId(commit.from)}</code>${flagged.has(commit.from) ? html` <span class="flag">committed twice</span>` : nothing}</td>
                  <td>${commit.model}</td>
                  <td><code title=${commit.commitment}>${shortId(commit.commitment)}</code></td>
                </tr>`,
              )}
            </tbody>
          </table>`}
    </section>`;
  }

  private renderReveals(snapshot: QuorumSnapshot): TemplateResult | typeof nothing {
    if (!snapshot.list && snapshot.reveals.length === 0) return nothing;
    return html`<section part="reveals" aria-labelledby="${this.uid}-reveals">
      <h3 id="${this.uid}-reveals">Reveals (${snapshot.reveals.length}${snapshot.list ? ` of ${snapshot.list.inferenceIds.length}` : ''})</h3>
      <table>
        <thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Answer</th></tr></thead>
        <tbody>
          ${snapshot.reveals.map(
            (reveal) => html`<tr>
              <td><code title=${reveal.from}>${shortId(reveal.from)}</code></td>
              <td class="status ${reveal.status}">${reveal.status}${reveal.rejection ? html`: ${reveal.rejection.reason}` : nothing}</td>
              <td class="output">${reveal.output}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }

  private renderRejections(): TemplateResult | typeof nothing {
    const id = this.shownRequestId;
    const entries = id ? this.rejections.for(id) : [];
    if (entries.length === 0) return nothing;
    return html`<section part="rejections" aria-labelledby="${this.uid}-rejections">
      <h3 id="${this.uid}-rejections">Rejections</h3>
      <ul>
        ${entries.map((entry) => html`<li><code title=${entry.from}>${shortId(entry.from)}</code> ${entry.what}: <strong>${entry.reason}</strong>${entry.detail ? ` — ${entry.detail}` : ''}</li>`)}
      </ul>
    </section>`;
  }

  private renderDecision(snapshot: QuorumSnapshot): TemplateResult | typeof nothing {
    if (snapshot.failure) {
      return html`<section part="decision" class="error" role="status">
        <strong>Failed: ${snapshot.failure.reason}</strong>${snapshot.failure.explanation}
      </section>`;
    }
    const decision = snapshot.decision;
    if (!decision) return nothing;
    const attestations = snapshot.attestations.find((entry) => entry.resultHash === decision.resultHash)?.count ?? 0;
    const others = snapshot.attestations.filter((entry) => entry.resultHash !== decision.resultHash);
    return html`<section part="decision" class="decision" role="status">
      <h3>Decided (${decision.basis === 'verified' ? 'verified here' : 'adopted from attestations'})</h3>
      <blockquote>${decision.output}</blockquote>
      <p>
        From <code title=${decision.chosenFrom}>${shortId(decision.chosenFrom)}</code> · <code>${decision.model}</code> · result
        <code title=${decision.resultHash}>${shortId(decision.resultHash)}</code> · <strong>${attestations}</strong>
        ${attestations === 1 ? 'attestation' : 'attestations'}
        ${others.length > 0 ? html` · <span class="flag">${others.reduce((sum, entry) => sum + entry.count, 0)} attested another result</span>` : nothing}
      </p>
    </section>`;
  }

  private renderPicture(picture: QuorumPicture): TemplateResult | typeof nothing {
    if (picture.points.length === 0) return nothing;
    const extent = Math.max(0.05, ...picture.points.flatMap((point) => [Math.abs(point.x), Math.abs(point.y)]), ...(picture.sphere ? [Math.abs(picture.sphere.x) + picture.sphere.radius, Math.abs(picture.sphere.y) + picture.sphere.radius] : []));
    const scale = (SIZE / 2 - MARGIN) / extent;
    const at = (value: number) => SIZE / 2 + value * scale;
    const description = describePicture(picture, shortId);
    return html`<figure part="picture">
      <svg viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-labelledby="${this.uid}-title ${this.uid}-desc">
        <title id="${this.uid}-title">Answers in embedding space</title>
        <desc id="${this.uid}-desc">${description}</desc>
        ${picture.sphere ? svg`<circle class="sphere" cx=${at(picture.sphere.x)} cy=${at(picture.sphere.y)} r=${picture.sphere.radius * scale}></circle>` : nothing}
        ${picture.points.map((point) => this.renderPoint(point, at))}
      </svg>
      <figcaption>
        <ul class="legend" aria-hidden="true">
          <li><span class="key member"></span>agreeing</li>
          <li><span class="key outlier"></span>outlier</li>
          <li><span class="key rejected"></span>rejected</li>
          <li><span class="key chosen"></span>chosen</li>
        </ul>
        <p class="muted">${description}</p>
      </figcaption>
    </figure>`;
  }

  private renderPoint(point: PicturePoint, at: (value: number) => number): SVGTemplateResult {
    const x = at(point.x);
    const y = at(point.y);
    return svg`<g class="point ${point.kind}${point.chosen ? ' chosen' : ''}">
      ${point.chosen ? svg`<circle class="ring" cx=${x} cy=${y} r="11"></circle>` : nothing}
      ${point.kind === 'rejected'
        ? svg`<path d="M${x - 5} ${y - 5} L${x + 5} ${y + 5} M${x + 5} ${y - 5} L${x - 5} ${y + 5}"></path>`
        : svg`<circle cx=${x} cy=${y} r="6"></circle>`}
      <title>${shortId(point.from)}: ${point.kind}${point.chosen ? ', chosen' : ''}</title>
    </g>`;
  }
}
