import { leaseEnded, leaseGrant } from './lease-grant';

describe('leaseGrant', () => {
  it.each([
    ['all that is asked when enough is free', { remainingUsd: 10, heldUsd: 2, wantUsd: 3 }, 3],
    ['only what is free', { remainingUsd: 10, heldUsd: 8, wantUsd: 3 }, 2],
    ['nothing when the others hold it all', { remainingUsd: 10, heldUsd: 10, wantUsd: 3 }, 0],
    ['nothing when overdrawn', { remainingUsd: -1, heldUsd: 0, wantUsd: 3 }, 0],
    [
      'nothing when the leases hold more than the balance',
      { remainingUsd: 1, heldUsd: 2, wantUsd: 1 },
      0,
    ],
  ])('%s', (_, input, expected) => {
    expect(leaseGrant(input)).toBeCloseTo(expected, 12);
  });

  it('should never let a sequence of grants exceed the balance', () => {
    let held = 0;
    for (let i = 0; i < 50; i++) {
      held += leaseGrant({ remainingUsd: 7, heldUsd: held, wantUsd: 0.3 });
    }
    expect(held).toBeCloseTo(7, 12);
  });
});

describe('leaseEnded', () => {
  it.each([
    ['a live lease', { expiresAt: 100_000, releasedAt: null }, 50_000, false],
    [
      'expired but the ledger not caught up since',
      { expiresAt: 10_000, releasedAt: null },
      9_000,
      false,
    ],
    [
      'expired, caught up within the skew margin',
      { expiresAt: 10_000, releasedAt: null },
      11_000,
      false,
    ],
    [
      'expired and caught up past the margin',
      { expiresAt: 10_000, releasedAt: null },
      12_001,
      true,
    ],
    [
      'released and caught up past the margin',
      { expiresAt: 100_000, releasedAt: 10_000 },
      12_001,
      true,
    ],
    ['released, not caught up since', { expiresAt: 100_000, releasedAt: 10_000 }, 11_000, false],
  ])('%s', (_, lease, caughtUpAt, ended) => {
    expect(leaseEnded(lease, caughtUpAt, 2_000)).toBe(ended);
  });
});
