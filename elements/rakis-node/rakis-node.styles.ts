import { css } from 'lit';

export const rakisNodeStyles = css`
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.5em 0.75em;
  }
  .title {
    font-weight: 600;
  }
  .badge.worker {
    color: var(--_ok);
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.15em 0.75em;
    margin: 0.5em 0;
  }
  dt {
    color: var(--_muted);
  }
  dd {
    margin: 0;
  }
  ul.transports {
    list-style: none;
    padding: 0;
    margin: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 0.75em;
  }
  .dot.live {
    background: var(--_ok);
  }
  .dot.connecting,
  .dot.waiting {
    background: var(--_warn);
  }
  .dot.down {
    background: var(--_danger);
  }
  section {
    margin-top: 0.5em;
  }
  .consent ul {
    margin: 0.25em 0 0.5em;
    padding-left: 1.25em;
  }
  summary {
    cursor: pointer;
  }
`;
