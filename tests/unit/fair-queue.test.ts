import { describe, expect, test } from 'vitest';
import { FairQueue } from '../../src/node/fair-queue.js';

interface Job {
  requester: string;
  tokens: number;
  name: string;
}
const job = (requester: string, name: string, tokens = 10): Job => ({ requester, tokens, name });

function drain(queue: FairQueue<Job>): string[] {
  const order: string[] = [];
  let next: Job | undefined;
  while ((next = queue.next())) order.push(next.name);
  return order;
}

describe('fair job queue', () => {
  test('a requester with many jobs gets one turn per round', () => {
    const queue = new FairQueue<Job>();
    for (const name of ['a1', 'a2', 'a3']) queue.push(job('a', name));
    queue.push(job('b', 'b1'));
    queue.push(job('b', 'b2'));
    queue.push(job('c', 'c1'));
    expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  test('the requester served least recently goes first, whatever the arrival order', () => {
    const queue = new FairQueue<Job>();
    queue.push(job('a', 'a1'));
    queue.push(job('b', 'b1'));
    expect(drain(queue)).toEqual(['a1', 'b1']);
    queue.push(job('b', 'b2'));
    queue.push(job('a', 'a2'));
    // a was served before b: its turn comes first.
    expect(drain(queue)).toEqual(['a2', 'b2']);
  });

  test('among requesters never served, one asking for the first time goes ahead of a flooder', () => {
    const queue = new FairQueue<Job>();
    for (let i = 0; i < 50; i++) queue.asking('flooder');
    queue.push(job('flooder', 'f1'));
    queue.asking('visitor');
    queue.push(job('visitor', 'v1'));
    expect(drain(queue)).toEqual(['v1', 'f1']);
  });

  test('tokensAhead is the work served before a job, in the order next() serves', () => {
    const queue = new FairQueue<Job>();
    queue.push(job('a', 'a1', 5));
    queue.push(job('a', 'a2', 7));
    queue.push(job('b', 'b1', 11));
    const candidate = job('c', 'c1', 13);
    const ahead = queue.tokensAhead(candidate);
    queue.push(candidate);
    let served = 0;
    for (let next = queue.next(); next && next !== candidate; next = queue.next()) served += next.tokens;
    expect(ahead).toBe(served);
    expect(ahead).toBe(16);
  });

  test('countOf and clear see exactly the waiting jobs', () => {
    const queue = new FairQueue<Job>();
    queue.push(job('a', 'a1'));
    queue.push(job('a', 'a2'));
    queue.push(job('b', 'b1'));
    expect(queue.countOf('a')).toBe(2);
    expect(queue.next()!.name).toBe('a1');
    expect(queue.countOf('a')).toBe(1);
    expect(queue.clear().map((j) => j.name)).toEqual(['a2', 'b1']);
    expect(queue.length).toBe(0);
  });
});
