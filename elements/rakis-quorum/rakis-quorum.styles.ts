import { css } from 'lit';

export const rakisQuorumStyles = css`
  header h2 {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: baseline;
  }
  .phase {
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 0.6em;
    font-size: 0.8125em;
    font-weight: normal;
  }
  .phase.decided {
    color: var(--_ok);
  }
  .phase.failed {
    color: var(--_danger);
  }
  .prompt {
    font-style: italic;
  }
  .layout {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: flex-start;
  }
  .tables {
    flex: 1 1 18em;
    min-width: 0;
  }
  section {
    margin: 0.5em 0;
  }
  td.output {
    max-width: 22em;
    overflow-wrap: anywhere;
  }
  td.status.rejected,
  .flag {
    color: var(--_danger);
  }
  td.status.verified {
    color: var(--_ok);
  }
  figure {
    flex: 0 1 260px;
    margin: 0;
  }
  svg {
    width: 100%;
    max-width: 260px;
    aspect-ratio: 1;
    border: 1px solid var(--_line);
    border-radius: calc(var(--_radius) * 0.5);
  }
  .sphere {
    fill: color-mix(in srgb, var(--_ok) 12%, transparent);
    stroke: var(--_ok);
    stroke-dasharray: 4 3;
  }
  .point circle {
    fill: var(--_muted);
  }
  .point.member circle {
    fill: var(--_ok);
  }
  .point.outlier circle {
    fill: var(--_warn);
  }
  .point.rejected path {
    stroke: var(--_danger);
    stroke-width: 2.5;
  }
  .point .ring {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 2.5;
  }
  .legend {
    list-style: none;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 0.75em;
    padding: 0;
    margin: 0.35em 0;
    font-size: 0.8125em;
  }
  .key {
    display: inline-block;
    width: 0.75em;
    height: 0.75em;
    border-radius: 50%;
    margin-right: 0.3em;
    background: var(--_muted);
  }
  .key.member {
    background: var(--_ok);
  }
  .key.outlier {
    background: var(--_warn);
  }
  .key.rejected {
    background: var(--_danger);
  }
  .key.chosen {
    background: transparent;
    border: 2px solid var(--_accent);
  }
  .decision blockquote {
    margin: 0.25em 0;
    padding: 0.5em 0.75em;
    border-left: 4px solid var(--_ok);
    white-space: pre-wrap;
    /* Model output may hold long unbroken runs (numbers, URLs): they wrap instead of overflowing. */
    overflow-wrap: anywhere;
  }
  ul {
    margin: 0.25em 0;
    padding-left: 1.25em;
  }
`;
