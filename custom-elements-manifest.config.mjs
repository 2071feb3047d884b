// `npm run manifest` writes custom-elements.json from the JSDoc of the element classes.
export default {
  globs: ['elements/**/*.ts'],
  exclude: ['elements/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest itself; the staleness test writes elsewhere and must not repoint it.
  packagejson: false,
};
