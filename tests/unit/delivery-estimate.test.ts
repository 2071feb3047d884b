import { describe, expect, test } from 'vitest';
import { DeliveryEstimate, MIN_GRACE_MS } from '../../src/node/delivery-estimate.js';

describe('the commit grace from measured delivery', () => {
  test('keeps the fixed grace until it has a few samples', () => {
    const estimate = new DeliveryEstimate();
    estimate.record(1_000, 1_010);
    estimate.record(1_000, 1_005);
    expect(estimate.graceMs(1_500)).toBe(1_500);
    estimate.record(1_000, 1_020);
    expect(estimate.graceMs(1_500)).toBe(MIN_GRACE_MS);
  });

  test('follows the slowest recent delivery, capped at the fixed grace', () => {
    const estimate = new DeliveryEstimate();
    for (const delay of [20, 150, 60]) estimate.record(0, delay);
    expect(estimate.graceMs(1_500)).toBe(150 + 100);
    estimate.record(0, 2_000);
    expect(estimate.graceMs(1_500)).toBe(1_500);
  });

  test('packets stamped in the future cannot shorten it', () => {
    const estimate = new DeliveryEstimate();
    for (const delay of [20, 150, 60]) estimate.record(0, delay);
    for (let i = 0; i < 30; i++) estimate.record(10_000, 0);
    expect(estimate.graceMs(1_500)).toBe(250);
  });

  test('forgets samples older than the last 64', () => {
    const estimate = new DeliveryEstimate();
    estimate.record(0, 600);
    for (let i = 0; i < 64; i++) estimate.record(0, 10);
    expect(estimate.graceMs(1_500)).toBe(MIN_GRACE_MS);
  });
});
