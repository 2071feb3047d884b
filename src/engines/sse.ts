/**
 * Server-sent events from a fetch body, as OpenAI-compatible servers stream chat completions. Lines
 * end in LF, CRLF or CR; `data:` lines of one event are joined with LF; comments and other fields are
 * skipped. Bounded: a line longer than `maxLineBytes` (a server that never ends a line) fails.
 */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

export const MAX_SSE_LINE = 1 << 20;

export async function* readSse(body: ReadableStream<Uint8Array>, maxLineBytes = MAX_SSE_LINE): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  const line = function* (text: string): Generator<SseEvent> {
    if (text === '') {
      if (data.length > 0) yield { event, data: data.join('\n') };
      data = [];
      event = undefined;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? '' : text.slice(colon + (text[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (;;) {
        const end = buffer.search(/\r\n|\r|\n/);
        // A CR at the very end may be the first half of a CRLF still in flight.
        if (end < 0 || (end === buffer.length - 1 && buffer[end] === '\r' && !done)) break;
        const width = buffer.startsWith('\r\n', end) ? 2 : 1;
        yield* line(buffer.slice(0, end));
        buffer = buffer.slice(end + width);
      }
      if (buffer.length > maxLineBytes) throw new Error(`server-sent event line longer than ${maxLineBytes} bytes`);
      if (done) {
        if (buffer !== '') yield* line(buffer);
        yield* line('');
        return;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
