import { css } from 'lit';

export const rakisQuorumStyles = css`
  header h2 {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: baseline;
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
  .legend .dot {
    width: 0.75em;
    height: 0.75em;
  }
  .dot.member {
    background: var(--_ok);
  }
  .dot.outlier {
    background: var(--_warn);
  }
  .dot.rejected {
    background: var(--_danger);
  }
  .dot.chosen {
    background: transparent;
    border: 2px solid var(--_accent);
  }
  ul {
    margin: 0.25em 0;
    padding-left: 1.25em;
  }
`;
