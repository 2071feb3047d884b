import type { Plugin } from 'vite';

/** The Trusted Types policy our bundled copy of Lit creates (a page lists it in its `trusted-types` directive). */
export const LIT_POLICY_NAME = 'rakis-lit';

const LIT_HTML = /[\\/]node_modules[\\/]lit-html[\\/](development[\\/])?lit-html\.js$/;
const CREATE_POLICY = /(\.createPolicy\(\s*)(["'])lit-html\2/g;

/**
 * Renames the Trusted Types policy of the Lit copy inside the script-tag bundle. lit-html creates a
 * policy named `lit-html` when its module loads; under an enforced `trusted-types` directive without
 * 'allow-duplicates', a second policy of that name throws, so on a page whose own Lit loaded first our
 * bundle would register nothing. Under its own name it needs no duplicates allowed. Fails the build
 * if lit-html stops creating its policy this way, rather than ship the old name silently.
 */
export function litPolicyName(name = LIT_POLICY_NAME): Plugin {
  let renamed = 0;
  return {
    name: 'rakis-lit-policy-name',
    enforce: 'pre',
    buildStart() {
      renamed = 0;
    },
    transform(code, id) {
      if (!LIT_HTML.test(id)) return null;
      const matches = code.match(CREATE_POLICY)?.length ?? 0;
      if (matches !== 1) this.error(`expected one createPolicy("lit-html", …) in ${id}, found ${matches}`);
      renamed++;
      return { code: code.replace(CREATE_POLICY, `$1$2${name}$2`), map: null };
    },
    generateBundle() {
      if (renamed === 0) this.error('lit-html was bundled without passing through the Trusted Types policy rename');
    },
  };
}
