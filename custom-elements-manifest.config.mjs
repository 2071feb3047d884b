// `npm run manifest` writes custom-elements.json from the JSDoc of the element classes.
export default {
  globs: ['elements/**/*.ts'],
  exclude: ['elements/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest itself; the staleness test writes elsewhere and must not repoint it.
  packagejson: false,
  plugins: [
    {
      // Files arrive in directory-walk order, which varies between runs; the committed file must not.
      name: 'rakis-sorted-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
