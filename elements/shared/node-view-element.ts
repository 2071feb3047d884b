import { nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { NodeApi } from '../../src/node/index.js';
import { checked } from './attributes.js';
import { nearestNode, NodeController } from './node-controller.js';
import { errorPanel, RakisElement } from './rakis-element.js';

/** What `<rakis-prompt>` and `<rakis-quorum>` show: the state of their request, as their `state` attribute reflects it. */
export type RequestViewState = 'connecting' | 'idle' | 'in-flight' | 'decided' | 'failed' | 'error';

/**
 * An element that shows requests of a node it finds on the page: the one assigned to its `node`
 * property, else that of the `<rakis-node>` its `node` attribute names, else of the first
 * `<rakis-node>` on the page, else an observer node of its own.
 *
 * @attr {string} node - Id of the `<rakis-node>` to use; default the first on the page, else an observer node of its own.
 * @attr {string} network - Network of its own observer node (only when the page has no `<rakis-node>`).
 * @attr {string} relays - Relays of its own observer node (`torrent=ws://… mqtt=ws://…`).
 */
export abstract class NodeViewElement extends RakisElement {
  @property({ attribute: 'node' }) nodeId: string | null = null;
  @property() network: string | null = null;
  @property() relays: string | null = null;
  /** What the element shows, reflected as the read-only `state` attribute: `connecting`, `idle`, `in-flight`, `decided`, `failed` or `error`. */
  @property({ reflect: true }) state: RequestViewState = 'connecting';

  /** Ticks the seconds left of a commit window: a display clock (the request's state comes from the node's events). */
  private clock: ReturnType<typeof setInterval> | undefined;

  protected readonly connection = new NodeController(this, {
    check: () => void this.readConfig(),
    locate: (controller) => nearestNode(this, controller),
    subscribe: (node) => this.subscribe(node),
    ready: (node) => this.nodeReady(node),
  });

  /** The element's own attributes, checked; throws `RakisError('invalid-options')` naming a bad one. */
  protected abstract readConfig(): unknown;
  /** Properties that `readConfig` reads: fixing one looks for the node again. */
  protected abstract readonly configProperties: readonly PropertyKey[];
  /** Wires the element to the node; returns how to unwire it. */
  protected abstract subscribe(node: NodeApi): () => void;
  /** The node started (the requests it restored are there now). */
  protected nodeReady(_node: NodeApi): void {}
  /** The state once a node is there and the attributes are fine. */
  protected abstract requestState(): RequestViewState;

  protected override willUpdate(changed: PropertyValues<this>): void {
    const chooser = changed.has('nodeId') || changed.has('network') || changed.has('relays');
    const configFixed = this.configProperties.some((name) => (changed as Map<PropertyKey, unknown>).has(name)) && !this.connection.node;
    if ((chooser || configFixed) && this.hasUpdated) void this.connection.connect();
    const { state } = this.connection;
    this.state = state === 'error' || this.configProblem() ? 'error' : state === 'connecting' ? 'connecting' : this.requestState();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.runClock(false);
  }

  /** Re-renders every second while `running` (a commit window is open), for the seconds left. */
  protected runClock(running: boolean): void {
    if (running && !this.clock) this.clock = setInterval(() => this.requestUpdate(), 1000);
    if (!running && this.clock) {
      clearInterval(this.clock);
      this.clock = undefined;
    }
  }

  protected configProblem(): string | undefined {
    return checked(() => this.readConfig()).problem;
  }

  /** The error panel when the attributes are wrong or there is no node; nothing otherwise. */
  protected renderProblem(misconfigured: string, noNode: string, hint: unknown = nothing): TemplateResult | undefined {
    const problem = this.configProblem();
    if (problem) return errorPanel(misconfigured, problem, hint);
    if (this.connection.state === 'error') return errorPanel(noNode, this.connection.error?.message);
    return undefined;
  }
}
