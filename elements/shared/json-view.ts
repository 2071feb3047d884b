type JsonView = typeof import('./json-answer.js');

let view: JsonView | undefined;
let loading: Promise<JsonView> | undefined;

/**
 * The JSON answer table, once loaded: a chunk of its own, so a page that never asks with a schema
 * never downloads it (the script-tag budget). Until then a JSON answer shows as its text.
 */
export function jsonView(): JsonView | undefined {
  return view;
}

export function loadJsonView(): Promise<JsonView> {
  return (loading ??= import('./json-answer.js').then((module) => (view = module)));
}
