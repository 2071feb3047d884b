import type { ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Cli<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
  positionals: string[];
  usage: string;
  /** Prints `problem` and the usage to stderr and exits 2. */
  fail(problem: string): never;
}

export function headerUsage(moduleUrl: string): string;
export function parseCli<const O extends Options = {}>(
  usage: string,
  options?: O,
  settings?: { positionals?: boolean; args?: string[] },
): Cli<O>;
