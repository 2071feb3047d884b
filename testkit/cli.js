/**
 * The command-line tools' one argument parser: node:util's parseArgs, plus usage. `--help` or `-h`
 * prints the usage and exits 0; an unknown option, a missing value, a stray argument or a value the
 * tool refuses (`fail`) prints one line naming the problem, then the usage, and exits 2, instead of
 * a stack trace. Plain JavaScript (typed by cli.d.ts) so tools/relay/cli.js still runs under plain node.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** A script's leading comment (a `/** … *\/` block or `//` lines), unwrapped: its usage, where its header documents it. */
export function headerUsage(moduleUrl) {
  const source = readFileSync(fileURLToPath(moduleUrl), 'utf8').replace(/^#!.*\n/, '');
  const block = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(source);
  const lines = block
    ? block[1].split('\n').map((line) => line.replace(/^\s*\* ?/, ''))
    : (/^(?:[ \t]*\/\/.*\n)+/.exec(source)?.[0] ?? '').split('\n').map((line) => line.replace(/^\s*\/\/ ?/, ''));
  return lines.join('\n').trim();
}

/** `usage`: the text itself, or a module URL (`import.meta.url`) whose header comment is the usage. */
export function parseCli(usage, options = {}, { positionals = false, args = process.argv.slice(2) } = {}) {
  const text = usage.startsWith('file:') ? headerUsage(usage) : usage;
  const fail = (problem) => {
    process.stderr.write(`${problem}\n\n${text}\n`);
    process.exit(2);
  };
  const end = args.indexOf('--');
  if ((end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${text}\n`);
    process.exit(0);
  }
  try {
    const parsed = parseArgs({ args, options, allowPositionals: positionals });
    return { values: parsed.values, positionals: parsed.positionals, usage: text, fail };
  } catch (error) {
    if (!String(error?.code).startsWith('ERR_PARSE_ARGS')) throw error;
    // parseArgs's first sentence names the problem ("Unknown option '--x'"); the rest is advice about `--`.
    return fail(error.message.split('. ')[0]);
  }
}
