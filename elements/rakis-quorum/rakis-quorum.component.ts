import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { QuorumSnapshot, NodeApi } from '../../src/node/index.js';
import { checked } from '../shared/attributes.js';
import { emit } from '../shared/events.js';
import { secondsLeft, shortId } from '../shared/format.js';
import { NodeViewElement, type RequestViewState } from '../shared/node-view-element.js';
import { sharedStyles } from '../shared/styles.js';
import type { QuorumPicture } from './picture.js';

/** The figure (its MDS projection and SVG) loads on first need: a page that never shows reveals never downloads it. */
type Figure = typeof import('./picture-figure.js');
let figure: Promise<Figure> | undefined;
import { renderCommits, renderDecision, renderRejections, renderReveals } from './quorum-tables.js';
import { readRequestId } from './quorum-view.js';
import { rakisQuorumStyles } from './rakis-quorum.styles.js';

export type RakisQuorumState = RequestViewState;

let instances = 0;

/**
 * The consensus of one request, live: commits, reveals, rejections with their reasons, the decision
 * and its attestations, and a picture of the answers in embedding space (classical MDS of the Hamming
 * distances between the revealed binary embeddings) with a text alternative.
 *
 * @summary A live view of one request's commit-reveal consensus and the agreeing cluster.
 *
 * @attr {string} request-id - The request to show (64 hex characters); default: follow the latest request the node sees.
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
 * @csspart answer - In JSON mode, the decided answer as a table of its fields.
 * @csspart fields - In JSON mode, how each field agreed (exactly or by embedding) and the answers set aside as invalid JSON.
 * @csspart picture - The embedding-space figure.
 * @csspart error - Every error panel.
 */
export class RakisQuorumElement extends NodeViewElement {
  static override styles = [sharedStyles, rakisQuorumStyles];

  @property({ attribute: 'request-id' }) requestId: string | null = null;

  @state() private followed: string | undefined;
  @state() private snapshot: QuorumSnapshot | undefined;

  protected readonly configProperties = ['requestId'] as const;
  private readonly uid = `rakis-quorum-${++instances}`;
  private pictureCache: { key: string; picture: QuorumPicture } | undefined;
  @state() private figure: Figure | undefined;
  @state() private figureError: string | undefined;
  private figureLoading = false;

  /** The request shown: the `request-id` attribute, else the latest one the node saw. */
  get shownRequestId(): string | undefined {
    return checked(() => readRequestId(this.requestId)).value ?? this.followed;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('requestId')) this.refresh();
    super.willUpdate(changed);
  }

  protected readConfig(): string | undefined {
    return readRequestId(this.requestId);
  }

  protected override nodeReady(node: NodeApi): void {
    const latest = node.requests()[0];
    if (latest) this.followed = latest.requestId;
    this.refresh();
  }

  protected subscribe(node: NodeApi): () => void {
    const offs = [
      node.on('request', ({ requestId }) => {
        if (this.requestId || this.followed === requestId) return;
        this.followed = requestId;
        emit(this, 'rakis-follow', { requestId });
        this.refresh();
      }),
      node.on('request-change', ({ requestId }) => requestId === this.shownRequestId && this.refresh()),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Reads the shown request's snapshot again (kept when the node forgets the request). */
  private refresh(): void {
    const id = this.shownRequestId;
    this.snapshot = id ? (this.connection.node?.quorum(id) ?? (this.snapshot?.requestId === id ? this.snapshot : undefined)) : undefined;
    this.runClock(this.snapshot?.phase === 'collecting');
  }

  protected requestState(): RequestViewState {
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
  private picture(snapshot: QuorumSnapshot, module: Figure): QuorumPicture {
    const key = [snapshot.requestId, snapshot.decision?.resultHash, ...snapshot.reveals.map((reveal) => `${reveal.inferenceId}:${reveal.status}`)].join();
    if (this.pictureCache?.key !== key) this.pictureCache = { key, picture: module.quorumPicture(snapshot, snapshot.frame.secDistance) };
    return this.pictureCache.picture;
  }

  private renderFigure(snapshot: QuorumSnapshot): TemplateResult | typeof nothing {
    if (this.figure) return this.figure.renderPicture(this.picture(snapshot, this.figure), this.uid);
    if (snapshot.reveals.length === 0) return nothing;
    if (this.figureError) return html`<p class="muted" part="picture">The picture could not load: ${this.figureError}</p>`;
    if (!this.figureLoading) {
      this.figureLoading = true;
      figure ??= import('./picture-figure.js');
      figure.then(
        (module) => (this.figure = module),
        (error: Error) => {
          figure = undefined;
          this.figureError = error.message;
        },
      );
    }
    return nothing;
  }

  // ---- view ----

  protected renderContent(): TemplateResult {
    const problem = this.renderProblem('This quorum view is misconfigured', 'No Rakis node to read');
    if (problem) return problem;
    if (this.connection.state === 'connecting') return html`<p class="muted" role="status">Connecting to the network…</p>`;
    const id = this.shownRequestId;
    const snapshot = this.snapshot;
    if (!id) return html`<slot name="empty"><p class="muted">No request yet. This view follows the next one the network sees.</p></slot>`;
    if (!snapshot) {
      const settled = this.settled();
      return html`${this.renderHeader(id, settled ? settled.outcome : 'unknown', settled?.prompt)}
        ${settled
          ? html`<section part="decision"><p>${settled.outcome === 'decided' ? html`Decided: <q>${settled.output}</q> (${settled.attestations} attestations)` : html`Failed: ${settled.reason}`}</p></section>`
          : html`<p class="muted" role="status">Waiting for this request: the node has not seen it yet.</p>`}`;
    }
    return html`
      ${this.renderHeader(id, snapshot.phase, snapshot.prompt, snapshot)}
      <div class="layout">
        <div class="tables">${renderCommits(snapshot, this.uid)} ${renderReveals(snapshot, this.uid)} ${renderRejections(snapshot, this.uid)}</div>
        ${this.renderFigure(snapshot)}
      </div>
      ${renderDecision(snapshot)}
    `;
  }

  private renderHeader(id: string, phase: string, prompt: string | undefined, snapshot?: QuorumSnapshot): TemplateResult {
    const left = snapshot?.phase === 'collecting' ? secondsLeft(snapshot.schedule.commitDeadline, Date.now()) : undefined;
    return html`<header part="header">
      <h2>Request <code title=${id}>${shortId(id, 12)}</code> <span class="badge phase ${phase}">${phase}</span></h2>
      ${prompt ? html`<p class="prompt">“${prompt}”</p>` : nothing}
      ${left !== undefined ? html`<p class="muted">Commit window: ${left} s left</p>` : nothing}
    </header>`;
  }
}
