import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createNodeFromAttributes, RakisError, type NodeApi } from '../../src/node/index.js';

export type NodeState = 'connecting' | 'ready' | 'error';

/** A node to use, and whether it is the controller's own (stopped when the host is done with it). */
export interface LocatedNode {
  node: NodeApi;
  owned: boolean;
}

/** How an element gets its node, and what it does with it. */
export interface NodeSource {
  /** Throws (a `RakisError` naming the attribute) when the element's own attributes are wrong: it then looks for no node. */
  check?(): void;
  /** The node to use when the page assigned none: built here, or found on the page. */
  locate(controller: NodeController): Promise<LocatedNode>;
  /** Wires the element to the node (before the node starts); returns how to unwire it. */
  subscribe(node: NodeApi): () => void;
  /** The node started and the element now shows it. */
  ready?(node: NodeApi): void;
  /** No node: `error` says why. */
  failed?(error: RakisError): void;
}

/** What `<rakis-prompt>` and `<rakis-quorum>` need of a `<rakis-node>`: its started node. */
export interface NodeProvider {
  whenNode(): Promise<NodeApi>;
}

function isNodeProvider(element: Element): element is Element & NodeProvider {
  return typeof (element as Partial<NodeProvider>).whenNode === 'function';
}

/** A promise with its settlers, whose rejection never goes unhandled when nobody is waiting yet. */
class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = (value) => ((this.settled = true), resolve(value));
      this.reject = (error) => ((this.settled = true), reject(error));
    });
    this.promise.catch(() => undefined);
  }
}

/**
 * Finds, owns and releases the node of one element: a node assigned to the element's `node` property,
 * else what `source.locate` gives (a node built from the element's attributes, or the node of a
 * `<rakis-node>` on the page). It starts the node, wires the element to it, stops the node it owns when
 * the element leaves the page, and starts over when asked (the attributes that choose the node changed).
 */
export class NodeController implements ReactiveController {
  state: NodeState = 'connecting';
  node: NodeApi | undefined;
  error: RakisError | undefined;
  private assigned: NodeApi | undefined;
  private owned = false;
  private unsubscribe: (() => void) | undefined;
  private stopFollowing: (() => void) | undefined;
  private ready = new Deferred<NodeApi>();
  private attempt = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly source: NodeSource,
  ) {
    host.addController(this);
  }

  /** True when the node in use was built by this controller (and is stopped by it). */
  get ownsNode(): boolean {
    return this.owned;
  }

  hostConnected(): void {
    if (this.node || this.state === 'error') return;
    const attempt = this.attempt;
    // A task later, so a page script can still assign `.node` before the element looks for or builds one.
    setTimeout(() => this.host.isConnected && !this.node && attempt === this.attempt && void this.connect());
  }

  hostDisconnected(): void {
    // Moving an element re-connects it in the same task; only a real removal releases the node (and abandons a connection under way).
    queueMicrotask(() => {
      if (this.host.isConnected) return;
      this.attempt++;
      this.release();
    });
  }

  /** Resolves with the started node; rejects with the reason there is none. */
  whenNode(): Promise<NodeApi> {
    return this.ready.promise;
  }

  /** Uses this node instead of locating one (`element.node = node`); undefined locates one again. */
  assign(node: NodeApi | undefined): void {
    this.assigned = node;
    if (this.host.isConnected) void this.connect();
  }

  /** Gets the node again (after the attributes that choose it changed). */
  async connect(): Promise<void> {
    const attempt = ++this.attempt;
    this.release();
    this.state = 'connecting';
    this.error = undefined;
    this.host.requestUpdate();
    try {
      this.source.check?.();
      const { node, owned } = this.assigned ? { node: this.assigned, owned: false } : await this.source.locate(this);
      if (attempt !== this.attempt || !this.host.isConnected) {
        if (owned) void node.stop();
        if (attempt === this.attempt) this.release();
        return;
      }
      this.node = node;
      this.owned = owned;
      this.unsubscribe = this.source.subscribe(node);
      await node.start();
      if (attempt !== this.attempt) return;
      this.state = 'ready';
      this.ready.resolve(node);
      this.source.ready?.(node);
    } catch (error) {
      if (attempt !== this.attempt) return;
      this.error = error instanceof RakisError ? error : new RakisError('invalid-options', (error as Error).message, { cause: error });
      this.state = 'error';
      this.ready.reject(this.error);
      this.source.failed?.(this.error);
    }
    this.host.requestUpdate();
  }

  /** Follows a `<rakis-node>` whose node was found: when it starts another node (its attributes changed), connects again. */
  follow(element: Element): void {
    const onReady = (event: Event) => {
      if (this.state !== 'connecting' && (event as CustomEvent<{ node: NodeApi }>).detail.node !== this.node) void this.connect();
    };
    element.addEventListener('rakis-ready', onReady);
    this.stopFollowing = () => element.removeEventListener('rakis-ready', onReady);
  }

  private release(): void {
    this.stopFollowing?.();
    this.unsubscribe?.();
    this.stopFollowing = this.unsubscribe = undefined;
    if (this.node && this.owned) void this.node.stop();
    this.node = undefined;
    this.owned = false;
    if (this.state === 'ready') this.state = 'connecting';
    // A node (or failure) already handed out stays as it was for whoever holds it; later callers wait for the next one.
    if (this.ready.settled) this.ready = new Deferred();
  }
}

/** What an element that reads another element's node says about where that node is. */
export interface NodeFinderHost extends HTMLElement {
  /** Id of a `<rakis-node>` (the `node` attribute). */
  nodeId: string | null;
  /** For an observer node of the element's own, when the page has no `<rakis-node>`. */
  network: string | null;
  relays: string | null;
}

/**
 * Locates the node of the `<rakis-node>` the host's `node` attribute names, else of the first
 * `<rakis-node>` on the page, else builds an observer node of the host's own.
 */
export async function nearestNode(host: NodeFinderHost, controller: NodeController): Promise<LocatedNode> {
  const { nodeId } = host;
  if (nodeId) {
    const root = host.getRootNode() as Document | ShadowRoot;
    const element = root.getElementById?.(nodeId) ?? document.getElementById(nodeId);
    if (!element) throw new RakisError('invalid-options', `node: there is no element with id "${nodeId}" on this page`);
    return fromElement(element, `#${nodeId}`, controller);
  }
  const first = document.querySelector('rakis-node');
  if (first) return fromElement(first, 'the <rakis-node> on this page', controller);
  const { node } = await createNodeFromAttributes({ network: host.network, relays: host.relays, storage: 'none' });
  return { node, owned: true };
}

async function fromElement(element: Element, name: string, controller: NodeController): Promise<LocatedNode> {
  if (element.localName.includes('-')) await customElements.whenDefined(element.localName);
  if (!isNodeProvider(element)) throw new RakisError('invalid-options', `node: ${name} is a <${element.localName}>, not a <rakis-node>`);
  // A <rakis-node> whose attributes change starts a new node: follow it (and recover once it works again).
  controller.follow(element);
  try {
    return { node: await element.whenNode(), owned: false };
  } catch (error) {
    throw new RakisError('invalid-options', `${name} could not start: ${(error as Error).message}`, { cause: error });
  }
}
