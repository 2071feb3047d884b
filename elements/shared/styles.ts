import { css } from 'lit';

/**
 * What every Rakis element shares: the theme (custom properties with light and dark defaults, on the
 * host), the inner box that carries the element's look, buttons, form controls, data tables, the error
 * panel and focus rings. Sites theme through the public `--rakis-*` properties; the `--_*` ones are
 * internal and resolve them against the colour scheme.
 */
export const sharedStyles = css`
  :host {
    --_fg: var(--rakis-color-text, #1a1a1a);
    --_bg: var(--rakis-color-surface, #ffffff);
    --_muted: var(--rakis-color-muted, #545454);
    --_line: var(--rakis-color-border, #c4c4c4);
    --_accent: var(--rakis-color-accent, #0b57d0);
    --_on-accent: var(--rakis-color-on-accent, #ffffff);
    --_ok: var(--rakis-color-success, #146c2e);
    --_warn: var(--rakis-color-warning, #7a4a00);
    --_danger: var(--rakis-color-danger, #b3261e);
    --_danger-bg: var(--rakis-color-danger-surface, #fdecea);
    --_radius: var(--rakis-radius, 8px);
    --_space: var(--rakis-spacing, 0.75rem);
    /* A one-cell grid, so the box fills whatever size the page gives the element (a set height, a stretched row). */
    display: grid;
  }
  /*
   * The element's look lives on its inner box: page rules beat :host rules (* { all: unset } would strip
   * them) but do not reach into the shadow root. What the page sets on its body is still inherited, so the
   * box sets every inherited text property itself.
   */
  .base {
    box-sizing: border-box;
    min-width: 0;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_line);
    border-radius: var(--_radius);
    padding: var(--_space);
    font-family: var(--rakis-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--rakis-font-size, 0.9375rem);
    font-style: normal;
    font-weight: normal;
    font-variant: normal;
    font-stretch: normal;
    font-kerning: auto;
    font-feature-settings: normal;
    font-variation-settings: normal;
    line-height: 1.45;
    letter-spacing: normal;
    word-spacing: normal;
    text-transform: none;
    text-align: start;
    text-indent: 0;
    text-shadow: none;
    white-space: normal;
    word-break: normal;
    overflow-wrap: normal;
    hyphens: manual;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_fg: var(--rakis-color-text, #e8e8ea);
      --_bg: var(--rakis-color-surface, #1c1c20);
      --_muted: var(--rakis-color-muted, #b4b4ba);
      --_line: var(--rakis-color-border, #4a4a52);
      --_accent: var(--rakis-color-accent, #8ab4f8);
      --_on-accent: var(--rakis-color-on-accent, #10131a);
      --_ok: var(--rakis-color-success, #81c995);
      --_warn: var(--rakis-color-warning, #fdd663);
      --_danger: var(--rakis-color-danger, #f2b8b5);
      --_danger-bg: var(--rakis-color-danger-surface, #3a1f1e);
    }
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2,
  h3 {
    font-size: 1em;
    margin: 0 0 0.5em;
  }
  p {
    margin: 0.25em 0;
  }
  .muted {
    color: var(--_muted);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) * 0.75);
    padding: 0.35em 0.9em;
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
    transition: filter 120ms ease;
  }
  button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  button:hover:not(:disabled) {
    filter: brightness(1.1);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--_fg);
    background: var(--_bg);
    border: 1px solid var(--_line);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 0.3em 0.45em;
  }
  [aria-invalid='true'] {
    border-color: var(--_danger);
  }
  .error {
    color: var(--_danger);
    background: var(--_danger-bg);
    border-left: 4px solid var(--_danger);
    border-radius: calc(var(--_radius) * 0.5);
    padding: 0.5em 0.75em;
    margin: 0.5em 0;
  }
  .error strong {
    display: block;
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.875em;
  }
  progress {
    width: 100%;
    accent-color: var(--_accent);
  }
  code {
    font-family: var(--rakis-font-family-mono, ui-monospace, 'SFMono-Regular', Menlo, monospace);
    font-size: 0.9em;
  }
  /* Pills (the node's role, a request's phase) and colour dots (transport health, the picture's legend). */
  .badge {
    display: inline-block;
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.6em;
    font-size: 0.8125em;
    font-weight: normal;
  }
  .dot {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    margin-right: 0.3em;
    background: var(--_muted);
  }
  /* An agreed answer. */
  blockquote {
    margin: 0.25em 0;
    padding: 0.5em 0.75em;
    border-left: 4px solid var(--_ok);
    white-space: pre-wrap;
    /* Model output may hold long unbroken runs (numbers, URLs): they wrap instead of overflowing. */
    overflow-wrap: anywhere;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
    }
  }
  /* Data tables (peers, commits, reveals). */
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.875em;
  }
  th,
  td {
    text-align: left;
    padding: 0.2em 0.4em;
    border-bottom: 1px solid var(--_line);
    vertical-align: top;
  }
`;
