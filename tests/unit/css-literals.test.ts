import { expect, test } from 'vitest';
import { minifyCss } from '../../tools/css-literals.js';

// The build's stylesheet minifier keeps every rule's meaning: selectors' descendant spaces, quoted
// strings and multi-part values stay; comments and layout whitespace go.
test('drops comments and layout whitespace, keeps what separates', () => {
  const text = `
    /* The box. */
    :host  .base > p ::slotted(span),
    [aria-invalid='true'] {
      font-family: var(--x, system-ui, 'Segoe UI', sans-serif);
      border: 1px   solid currentColor;
      /*
       * Two lines.
       */
      margin: 0 auto;
    }
  `;
  expect(minifyCss(text)).toBe(":host .base > p ::slotted(span),[aria-invalid='true']{font-family: var(--x,system-ui,'Segoe UI',sans-serif);border: 1px solid currentColor;margin: 0 auto}");
});
