import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createNodeFromAttributes, RakisError, type RakisNode } from '../../src/node/index.js';
import { isNodeProvider } from './node-provider.js';

/** The attributes an element uses to find (or start) its node. */
export interface NodeConnectionHost extends ReactiveControllerHost, HTMLElement {
  /** Id of a `<rakis-node>` (the `node` attribute). */
  nodeId: string | null;
  /** For an observer node of the element's own, when the page has no `<rakis-node>`. */
  network: string | null;
  relays: string | null;
  /** Why the element's own attributes are wrong, if they are: it then shows that and looks for no node. */
  configProblem(): string | undefined;
}

export type ConnectionState = 'connecting' | 'ready' | 'error';

/**
 * Finds the node an element talks to: one assigned to its `node` property, else the `<rakis-node>`
 * its `node` attribute names, else the first `<rakis-node>` on the page, else an observer node of
 * its own (stopped when the element leaves the page). `subscribe` wires the element to the node and
 * returns how to unwire it.
 */
export class NodeConnection implements ReactiveController {
  state: ConnectionState = 'connecting';
  node: RakisNode | undefined;
  error: RakisError | undefined;
  private assigned: RakisNode | undefined;
  private owned: RakisNode | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopWatching: (() => void) | undefined;
  private attempt = 0;

  constructor(
    private readonly host: NodeConnectionHost,
    private readonly subscribe: (node: RakisNode) => () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (!this.node && this.state !== 'error' && !this.host.configProblem()) void this.connect();
  }

  hostDisconnected(): void {
    // Moving an element re-connects it in the same task; only a real removal releases the node.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.release();
    });
  }

  /** Uses this node instead of finding one (`element.node = node`). */
  assign(node: RakisNode | undefined): void {
    this.assigned = node;
    void this.connect();
  }

  /** Finds the node again (after the attributes that choose it changed). */
  async connect(): Promise<void> {
    const attempt = ++this.attempt;
    this.release();
    this.state = 'connecting';
    this.host.requestUpdate();
    try {
      const node = await this.locate();
      if (attempt !== this.attempt) return;
      this.node = node;
      this.unsubscribe = this.subscribe(node);
      this.state = 'ready';
    } catch (error) {
      if (attempt !== this.attempt) return;
      this.error = error instanceof RakisError ? error : new RakisError('invalid-options', (error as Error).message, { cause: error });
      this.state = 'error';
    }
    this.host.requestUpdate();
  }

  private async locate(): Promise<RakisNode> {
    if (this.assigned) return this.assigned;
    const { nodeId } = this.host;
    if (nodeId) {
      const root = this.host.getRootNode() as Document | ShadowRoot;
      const element = root.getElementById?.(nodeId) ?? document.getElementById(nodeId);
      if (!element) throw new RakisError('invalid-options', `node: there is no element with id "${nodeId}" on this page`);
      return this.fromElement(element, `#${nodeId}`);
    }
    const first = document.querySelector('rakis-node');
    if (first) return this.fromElement(first, 'the <rakis-node> on this page');
    const { node } = await createNodeFromAttributes({ network: this.host.network, relays: this.host.relays, storage: 'none' });
    this.owned = node;
    await node.start();
    return node;
  }

  private async fromElement(element: Element, name: string): Promise<RakisNode> {
    if (element.localName.includes('-')) await customElements.whenDefined(element.localName);
    if (!isNodeProvider(element)) throw new RakisError('invalid-options', `node: ${name} is a <${element.localName}>, not a <rakis-node>`);
    // A <rakis-node> whose attributes change starts a new node: follow it (and recover once it works again).
    const onReady = (event: Event) => {
      if (this.state !== 'connecting' && (event as CustomEvent<{ node: RakisNode }>).detail.node !== this.node) void this.connect();
    };
    element.addEventListener('rakis-ready', onReady);
    this.stopWatching = () => element.removeEventListener('rakis-ready', onReady);
    try {
      return await element.whenNode();
    } catch (error) {
      throw new RakisError('invalid-options', `${name} could not start: ${(error as Error).message}`, { cause: error });
    }
  }

  private release(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.node = undefined;
    this.error = undefined;
    const owned = this.owned;
    this.owned = undefined;
    void owned?.stop();
  }
}
