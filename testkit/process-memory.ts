import { readdirSync, readFileSync } from 'node:fs';

/** The parent pid of every process on this machine (Linux /proc). */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while being read.
    }
  }
  return parentOf;
}

/** The pids of the direct children of `pid` (this process by default). */
export function childPids(pid = process.pid): Set<number> {
  return new Set([...parents()].filter(([, parent]) => parent === pid).map(([child]) => child));
}

/** `root` and every process below it. */
export function processTree(root: number): number[] {
  const parentOf = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  return tree;
}

/**
 * Proportional set size (bytes) of a process tree: each page shared between processes counted once
 * in all, so a browser's processes add up to what the browser costs the machine.
 */
export function treePss(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return kb * 1024;
}
