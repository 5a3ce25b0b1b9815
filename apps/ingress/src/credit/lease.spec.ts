import {
  LeaseState,
  NO_LEASE,
  SLICE_REQUESTS,
  sliceRequests,
  afterShortGrant,
  budgetSpentMessage,
  budgetSpentUntil,
  decide,
  fits,
  granted,
  leaseLeft,
  offlineLease,
  usedUpMessage,
} from './lease';

const NOW = 1_000_000;
const TTL = 30_000;
/** A lease of `grantedUsd` asked for just now. */
function lease(over: Partial<LeaseState> = {}): LeaseState {
  return { ...granted(NO_LEASE, over.grantedUsd ?? 10, TTL, NOW), ...over };
}
const cost = (expectedUsd: number, capUsd: number | null = null, learned = true) => ({
  expectedUsd,
  capUsd,
  learned,
});

describe('fits', () => {
  it.each<[string, Partial<LeaseState>, number, number | null, boolean]>([
    [
      'what is left covers the expected cost',
      { grantedUsd: 10, spentUsd: 5, reservedUsd: 4 },
      1,
      null,
      true,
    ],
    [
      'in-flight estimates and finished costs both count',
      { grantedUsd: 10, spentUsd: 5, reservedUsd: 4.5, inFlight: 3 },
      1,
      null,
      false,
    ],
    ['less than expected, nothing in flight', { grantedUsd: 10, spentUsd: 9.9 }, 1, null, false],
    [
      'less than expected, another request in flight: not now',
      { grantedUsd: 10, spentUsd: 8.5, reservedUsd: 1, inFlight: 1 },
      1,
      null,
      false,
    ],
    [
      "what is left covers the expected cost, not the client's max_tokens (only named when refused)",
      { grantedUsd: 10, spentUsd: 8.5 },
      1,
      5,
      true,
    ],
    ['nothing left', { grantedUsd: 10, spentUsd: 10 }, 1, null, false],
    [
      'the last request of a credit summed in floating point',
      { grantedUsd: 0.3, spentUsd: 0.2 },
      0.1,
      null,
      true,
    ],
    ['overspent', { grantedUsd: 10, spentUsd: 11 }, 1, null, false],
  ])('%s', (_, state, expected, cap, admitted) => {
    expect(fits(lease(state), cost(expected, cap), NOW + 1)).toBe(admitted);
  });

  it('should serve one request on a guess (nothing learned yet) while something is left, to learn its cost', () => {
    expect(fits(lease({ grantedUsd: 10, spentUsd: 9.9 }), cost(1, null, false), NOW)).toBe(true);
    expect(
      fits(
        lease({ grantedUsd: 10, spentUsd: 9, reservedUsd: 0.95, inFlight: 1 }),
        cost(1, null, false),
        NOW,
      ),
    ).toBe(false);
    expect(fits(lease({ grantedUsd: 10, spentUsd: 10 }), cost(1, null, false), NOW)).toBe(false);
  });

  it('should not admit on a lease the ledger may have dropped (expired)', () => {
    expect(fits(lease({ grantedUsd: 10 }), cost(1), NOW + TTL)).toBe(false);
  });
});

describe('decide', () => {
  it('should admit without asking the ledger while the lease fits and is young', () => {
    expect(decide(lease(), cost(1), NOW + 1)).toEqual({ kind: 'admit' });
  });

  it('should ask for a slice of SLICE_REQUESTS expected costs, less what is left', () => {
    expect(
      decide(lease({ grantedUsd: 10, spentUsd: 9.5, inFlight: 1, reservedUsd: 0.4 }), cost(1), NOW),
    ).toEqual({
      kind: 'grant',
      wantUsd: SLICE_REQUESTS - 0.1,
    });
    expect(decide(NO_LEASE, cost(0.5), NOW)).toEqual({
      kind: 'grant',
      wantUsd: SLICE_REQUESTS * 0.5,
    });
  });

  it('should ask for the slice it is given, less what is left', () => {
    expect(decide(lease({ grantedUsd: 10, spentUsd: 10 }), cost(1), NOW, 128)).toEqual({
      kind: 'grant',
      wantUsd: 128,
    });
  });

  it('should renew a lease past half its life, asking nothing more when it holds a slice', () => {
    expect(decide(lease({ grantedUsd: 100 }), cost(1), NOW + TTL / 2)).toEqual({
      kind: 'grant',
      wantUsd: 0,
    });
  });
});

describe('sliceRequests', () => {
  it.each([
    ['an idle key', { concurrent: 0, perSecond: 0 }, SLICE_REQUESTS],
    ['a few requests in flight', { concurrent: 3, perSecond: 5 }, SLICE_REQUESTS],
    ['64 requests in flight', { concurrent: 64, perSecond: 0 }, 128],
    ['3,000 requests a second', { concurrent: 16, perSecond: 2999.5 }, 3000],
  ])('should size the slice of %s', (_, demand, expected) => {
    expect(sliceRequests(demand)).toBe(expected);
  });
});

describe('granted', () => {
  it('should add to a live lease and start its life again from when it was asked', () => {
    const next = granted(lease({ grantedUsd: 10, spentUsd: 4 }), 5, TTL, NOW + 10_000);
    expect(next).toMatchObject({ grantedUsd: 15, spentUsd: 4, expiresAt: NOW + 10_000 + TTL });
    expect(leaseLeft(next)).toBe(11);
  });

  it('should start an expired lease again from nothing but its requests in flight', () => {
    const next = granted(
      lease({ grantedUsd: 10, spentUsd: 4, reservedUsd: 1, inFlight: 1 }),
      5,
      TTL,
      NOW + TTL,
    );
    expect(next).toMatchObject({ grantedUsd: 5, spentUsd: 0, reservedUsd: 1, inFlight: 1 });
  });
});

describe('offlineLease', () => {
  it("should spend the key's last known balance, carrying what was spent offline across periods", () => {
    const first = offlineLease(lease({ grantedUsd: 10, spentUsd: 7 }), 50, NOW, 5_000);
    expect(first).toMatchObject({
      grantedUsd: 50,
      spentUsd: 0,
      offline: true,
      expiresAt: NOW + 5_000,
    });
    const next = offlineLease({ ...first, spentUsd: 20 }, 50, NOW + 5_000, 5_000);
    expect(leaseLeft(next)).toBe(30);
  });

  it('should start from nothing once the ledger grants again', () => {
    const away = { ...offlineLease(NO_LEASE, 50, NOW, 5_000), spentUsd: 20 };
    expect(granted(away, 5, TTL, NOW + 1_000)).toMatchObject({
      grantedUsd: 5,
      spentUsd: 0,
      offline: false,
    });
  });
});

describe('afterShortGrant', () => {
  it.each([
    [
      'requests in flight here will give their estimates back',
      { inFlight: 2, remainingUsd: 1, heldElsewhereUsd: 1 },
      'wait',
    ],
    ['others hold the rest', { inFlight: 0, remainingUsd: 1, heldElsewhereUsd: 0.5 }, 'ask-again'],
    [
      'the rest is spoken for by finished requests of this replica',
      { inFlight: 0, remainingUsd: 1, heldElsewhereUsd: 0 },
      'used-up',
    ],
    ['the balance is used up', { inFlight: 0, remainingUsd: 0, heldElsewhereUsd: 3 }, 'used-up'],
  ] as const)('%s', (_, state, next) => {
    expect(afterShortGrant(state)).toBe(next);
  });
});

describe('usedUpMessage', () => {
  it('should say used up when nothing is left', () => {
    expect(usedUpMessage(0, cost(1), { maxTokens: 500, costUsd: 1 })).toContain(
      'the credit of this API key is used up',
    );
  });

  it('should say what is left and what the request is expected to cost, naming max_tokens when it is higher', () => {
    const message = usedUpMessage(0.000123, cost(0.0007), { maxTokens: 4096, costUsd: 0.0165 });
    expect(message).toContain(
      '0.000123 USD of credit left, less than this request is expected to cost',
    );
    expect(message).toContain('0.0007 USD, and max_tokens 4096 lets it cost up to 0.0165 USD');
    expect(message).not.toContain('used up');
    expect(usedUpMessage(0.000123, cost(0.0007), null)).not.toContain('max_tokens');
  });
});

describe('budgetSpentUntil', () => {
  const spent = {
    budget_usd: 5,
    budget_period: 'day' as const,
    budget_spent_usd: 5,
    budget_resets_at: '2026-12-08T00:00:00.000Z',
  };
  const before = Date.parse('2026-12-07T12:00:00.000Z');
  it.each([
    ['spent, before its reset', spent, before, Date.parse('2026-12-08T00:00:00.000Z')],
    ['spent, at its reset (stale)', spent, Date.parse('2026-12-08T00:00:00.000Z'), null],
    ['not spent', { ...spent, budget_spent_usd: 4.99 }, before, null],
    ['no budget', { ...spent, budget_usd: null, budget_period: null }, before, null],
  ])('%s', (_, budget, now, until) => {
    expect(budgetSpentUntil(budget, now)).toBe(until);
  });

  it('should name the period and the reset', () => {
    expect(budgetSpentMessage('week', 20, '2026-12-14T00:00:00.000Z')).toBe(
      'You exceeded your current quota: the weekly budget of this API key (20 USD) is spent. It resets at 2026-12-14T00:00:00.000Z.',
    );
  });
});
