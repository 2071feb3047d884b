import { html, LitElement, type TemplateResult } from 'lit';
import type { NodeApi } from '../../src/node/index.js';
import type { NodeController } from './node-controller.js';

/**
 * What every Rakis element shares: its node (its `NodeController`), the theme's custom properties
 * (declared once, for all three, in `sharedStyles`) and the error panel.
 *
 * @cssprop --rakis-color-text - Text colour.
 * @cssprop --rakis-color-surface - Background.
 * @cssprop --rakis-color-muted - Secondary text, undecided points.
 * @cssprop --rakis-color-border - Borders and rules, the agreeing sphere.
 * @cssprop --rakis-color-accent - Buttons, links, focus rings, progress, the chosen answer's ring.
 * @cssprop --rakis-color-on-accent - Text on accent backgrounds.
 * @cssprop --rakis-color-success - Healthy transports, the worker badge, the decided answer, the agreeing cluster.
 * @cssprop --rakis-color-warning - Transports waiting to reconnect, outliers.
 * @cssprop --rakis-color-danger - Error text and borders, rejected answers.
 * @cssprop --rakis-color-danger-surface - Error background.
 * @cssprop --rakis-radius - Corner radius.
 * @cssprop --rakis-spacing - Inner spacing.
 * @cssprop --rakis-font-family - Font.
 * @cssprop --rakis-font-family-mono - Font of ids, model names and hashes.
 * @cssprop --rakis-font-size - Base font size.
 *
 * @csspart base - The element's box (border, background, padding, font); the host only places it.
 */
export abstract class RakisElement extends LitElement {
  protected abstract readonly connection: NodeController;

  /** What the element shows, inside its box. */
  protected abstract renderContent(): TemplateResult;

  /**
   * The element's look lives on this inner box, not on the host: page rules (`* { all: unset }`) beat
   * `:host` rules and would strip it, but they do not reach into the shadow root.
   */
  protected override render(): TemplateResult {
    return html`<div class="base" part="base">${this.renderContent()}</div>`;
  }

  /** The `NodeApi` this element uses, once started. Assign one the page built to use it instead of building or finding one. */
  get node(): NodeApi | undefined {
    return this.connection.node;
  }

  set node(node: NodeApi | undefined) {
    this.connection.assign(node);
  }
}

/** The error panel every element shows: what went wrong in bold, then why (and what to do). */
export function errorPanel(title: unknown, ...why: unknown[]): TemplateResult {
  return html`<div class="error" part="error" role="alert"><strong>${title}</strong>${why}</div>`;
}
