import { html, LitElement, type TemplateResult } from 'lit';

/**
 * What every Rakis element shares: the theme's custom properties (declared once, for all three, in
 * `sharedStyles`) and the error panel.
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
 * @cssprop --rakis-font-size - Base font size.
 */
export class RakisElement extends LitElement {}

/** The error panel every element shows: what went wrong in bold, then why (and what to do). */
export function errorPanel(title: unknown, ...why: unknown[]): TemplateResult {
  return html`<div class="error" part="error" role="alert"><strong>${title}</strong>${why}</div>`;
}
