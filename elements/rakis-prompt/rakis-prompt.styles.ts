import { css } from 'lit';

export const rakisPromptStyles = css`
  form {
    display: grid;
    gap: 0.5em;
  }
  textarea {
    width: 100%;
    box-sizing: border-box;
    resize: vertical;
    min-height: 4em;
  }
  textarea[part~='schema'] {
    font-family: ui-monospace, monospace;
    font-size: 0.85em;
  }
  fieldset {
    border: 1px solid var(--_line);
    border-radius: calc(var(--_radius) * 0.5);
    margin: 0;
    padding: 0.25em 0.75em 0.5em;
  }
  label.check {
    display: inline-flex;
    gap: 0.35em;
    align-items: center;
    margin-right: 1em;
  }
  details summary {
    cursor: pointer;
  }
  .grid {
    display: grid;
    grid-template-columns: max-content minmax(8em, 14em) 1fr;
    gap: 0.35em 0.75em;
    align-items: center;
    margin-top: 0.5em;
  }
  @media (max-width: 32rem) {
    .grid {
      grid-template-columns: 1fr;
    }
  }
  .actions {
    justify-content: flex-end;
  }
  .warning {
    color: var(--_warn);
  }
  progress {
    width: 100%;
  }
  .answer blockquote {
    margin-top: 0.75em;
  }
`;
