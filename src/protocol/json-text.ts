/**
 * Checks of JSON text that `JSON.parse` lets through: a key repeated in one object (the last would
 * silently win, so two nodes could read one packet two ways), and strings with lone surrogates (they
 * cannot be encoded as UTF-8, so every such string would hash as U+FFFD and open the same commitment).
 * Returns the problem, or undefined. The text must already parse.
 */
export function jsonTextProblem(text: string): { reason: 'duplicate-key' | 'lone-surrogate'; detail: string } | undefined {
  // One set of keys per open object; null for an open array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const { end, escaped } = stringEnd(text, i);
      // Valid UTF-8 holds no surrogates: only an escape can make one, and only escapes need decoding.
      const value = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
      if (escaped && LONE_SURROGATE.test(value)) return { reason: 'lone-surrogate', detail: 'a string holds a lone surrogate (not Unicode text)' };
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        if (keys.has(value)) return { reason: 'duplicate-key', detail: `the key "${value.slice(0, 32)}" appears twice in one object` };
        keys.add(value);
        expectKey = false;
      }
      i = end;
    } else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(null);
    } else if (char === '}' || char === ']') {
      open.pop();
    } else if (char === ',') {
      expectKey = open[open.length - 1] !== null;
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Index of the quote that closes the string opening at `start`, and whether the string has escapes. */
function stringEnd(text: string, start: number): { end: number; escaped: boolean } {
  let escaped = false;
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') {
      escaped = true;
      i++;
    } else if (text[i] === '"') return { end: i, escaped };
  }
  return { end: text.length - 1, escaped };
}
