import type { Plugin } from 'vite';

const STYLES = /[\\/]elements[\\/].*styles\.ts$/;
const CSS_LITERAL = /\bcss`([^`]*)`/g;

/** The text of one css`` literal, as short as CSS allows: no comments, whitespace only where it separates. */
export function minifyCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/;}/g, '}')
    .trim();
}

/**
 * Ships the elements' stylesheets without their comments and layout whitespace: they are template
 * literals, which terser keeps as written (about 0.5 KB gzip of the script-tag core). A literal with an
 * interpolation fails the build rather than be rewritten blindly.
 */
export function cssLiterals(): Plugin {
  return {
    name: 'rakis-css-literals',
    enforce: 'pre',
    transform(code, id) {
      if (!STYLES.test(id)) return null;
      return {
        code: code.replace(CSS_LITERAL, (literal, text: string) => {
          if (text.includes('${')) this.error(`${id}: a css\`\` literal with an interpolation is not minified`);
          return `css\`${minifyCss(text)}\``;
        }),
        map: null,
      };
    },
  };
}
