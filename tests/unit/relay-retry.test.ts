import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { holdRelayRetry, RETRY } from '../../src/network/relay-retry.js';

// The page's relay retry schedule over a scripted trystero switch: paused while held, resumed at waits
// that double while a relay stays closed and start over once all are open, trystero's own again when released.
beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(1);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function scriptedSwitch() {
  const calls: string[] = [];
  return {
    calls,
    pauseRelayReconnection: () => calls.push(`pause@${Date.now()}`),
    resumeRelayReconnection: () => calls.push(`resume@${Date.now()}`),
  };
}

test('resumes at doubling waits while a relay is closed, back to the first once all are open; resumes for good when released', () => {
  const start = Date.now();
  const relaySwitch = scriptedSwitch();
  let open = false;
  const release = holdRelayRetry(relaySwitch, () => open);
  expect(relaySwitch.calls).toEqual([`pause@${start}`]);
  // To the second: each pause waits for the timer queue (a millisecond here).
  const resumes = () => relaySwitch.calls.filter((call) => call.startsWith('resume')).map((call) => Math.round((Number(call.split('@')[1]) - start) / 1000) * 1000);

  vi.advanceTimersByTime(2_000 + 4_000 + 8_000 + 16_000 + 30_000 + 30_000 + 10);
  // Each resume is followed by a pause once the held sockets were let go.
  expect(resumes()).toEqual([2_000, 6_000, 14_000, 30_000, 60_000, 90_000]);
  expect(relaySwitch.calls.filter((call) => call.startsWith('pause'))).toHaveLength(7);

  open = true;
  vi.advanceTimersByTime(30_000 + 2_000 + 10);
  expect(resumes().slice(-2)).toEqual([120_000, 122_000]);

  release();
  expect(relaySwitch.calls.at(-1)).toBe(`resume@${Date.now()}`);
  const count = relaySwitch.calls.length;
  vi.advanceTimersByTime(120_000);
  expect(relaySwitch.calls).toHaveLength(count);
});

test('two holders share one schedule; it ends with the last', () => {
  const relaySwitch = scriptedSwitch();
  const releaseA = holdRelayRetry(relaySwitch, () => true);
  const releaseB = holdRelayRetry(relaySwitch, () => true);
  vi.advanceTimersByTime(RETRY.firstMs + 10);
  expect(relaySwitch.calls.filter((call) => call.startsWith('resume'))).toHaveLength(1);
  releaseA();
  releaseA();
  vi.advanceTimersByTime(RETRY.firstMs + 10);
  expect(relaySwitch.calls.filter((call) => call.startsWith('resume'))).toHaveLength(2);
  releaseB();
  const count = relaySwitch.calls.length;
  vi.advanceTimersByTime(60_000);
  expect(relaySwitch.calls).toHaveLength(count);
});
