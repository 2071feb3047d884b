import type { ContributeOptions, EngineProgress, NodeApi } from '../../src/node/index.js';
import { emit } from '../shared/events.js';
import type { ContributeConfig } from './contribute-config.js';

export type ContributeState = 'off' | 'asking' | 'loading' | 'contributing' | 'failed';

/**
 * The consent-first contribution of `<rakis-node>`: `off` → `asking` (the consent panel) → `loading`
 * (models download) → `contributing`, or `failed` with a retry. Each change is a `rakis-contribute`
 * event on the element; `changed` lets the element refresh what it shows.
 */
export class Contribution {
  state: ContributeState = 'off';
  /** Why the last attempt failed. */
  error: string | undefined;
  /** Load progress per model, while loading. */
  progress = new Map<string, EngineProgress>();
  private node: NodeApi | undefined;

  constructor(
    private readonly element: HTMLElement,
    private readonly changed: () => void,
  ) {}

  /** The element shows `node` now: it contributes already, or starts as the attributes say. */
  begin(node: NodeApi, config: ContributeConfig | undefined): void {
    this.node = node;
    this.state = node.role === 'worker' ? 'contributing' : 'off';
    this.configChanged(config);
  }

  /** The element let go of its node. */
  reset(): void {
    this.node = undefined;
    this.state = 'off';
    this.progress = new Map();
  }

  /** A site may turn contributing on (or stop asking) after the node started. */
  configChanged(config: ContributeConfig | undefined): void {
    if (!config || !this.node || this.node.role === 'worker' || this.state === 'loading') return;
    if (config.mode === 'auto') void this.start(config.options);
    else if (config.mode === 'ask') this.set('asking');
    else if (this.state === 'asking') this.set('off');
  }

  /** The node's role changed: one tab of the site agreed to contribute, so every tab shows its node contributing. */
  roleChanged(): void {
    if (this.node?.role === 'worker' && (this.state === 'off' || this.state === 'asking')) this.set('contributing');
  }

  /** Opens the consent panel, as the "Contribute compute" button does. */
  offer(): void {
    if (this.state === 'off' || this.state === 'failed') this.set('asking');
  }

  /** Starts contributing right away: only once the visitor agreed. */
  async start(options: ContributeOptions | undefined): Promise<void> {
    const node = this.node;
    if (!node || !options) return;
    this.error = undefined;
    this.progress = new Map();
    this.set('loading');
    try {
      await node.contribute(options);
      if (this.node === node) this.set('contributing');
    } catch (error) {
      if (this.node !== node) return;
      // The node already reported the error through its `error` event.
      this.error = (error as Error).message;
      this.set('failed');
    }
  }

  cancel(): void {
    this.node?.cancelContribute();
  }

  progressed(progress: EngineProgress): void {
    this.progress = new Map(this.progress).set(progress.model, progress);
    this.changed();
  }

  set(next: ContributeState): void {
    this.state = next;
    this.changed();
    emit(this.element, 'rakis-contribute', { state: next });
  }
}
