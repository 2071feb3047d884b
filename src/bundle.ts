// The script-tag entry: registers the custom elements and defines nothing else global.
// The elements arrive with the elements issue; until then the bundle exposes the pure core only to importers.
export * from './index.js';
