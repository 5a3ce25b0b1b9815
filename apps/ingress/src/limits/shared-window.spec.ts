import { RememberedRefusal, sharesWindow, standingRefusal } from './shared-window';

describe('sharesWindow', () => {
  const bounds = { rpmMax: 1_000, tpmMax: 100_000 };
  it.each([
    ['a small rpm', { rpm: 5, tpm: null }, true],
    ['rpm at the bound', { rpm: 1_000, tpm: null }, true],
    ['a large rpm', { rpm: 10_000, tpm: null }, false],
    ['a small tpm beside a large rpm', { rpm: 10_000, tpm: 50_000 }, true],
    ['a large tpm', { rpm: null, tpm: 1_000_000 }, false],
    ['no limits', { rpm: null, tpm: null }, false],
  ])('%s', (_, limits, shared) => {
    expect(sharesWindow(limits, bounds)).toBe(shared);
  });

  it('should share nothing with bounds of 0 (every limit on the broadcast)', () => {
    expect(sharesWindow({ rpm: 1, tpm: 1 }, { rpmMax: 0, tpmMax: 0 })).toBe(false);
  });
});

describe('standingRefusal', () => {
  const remembered: RememberedRefusal = {
    limits: { rpm: 5, tpm: null },
    refusal: { ok: false, limit: 'rpm', allowed: 5, used: 5, retryAfter: 40 },
    untilMs: 100_000,
  };
  it('should stand until the window frees, with the Retry-After left', () => {
    expect(standingRefusal(remembered, { rpm: 5, tpm: null }, 70_500)).toMatchObject({
      retryAfter: 30,
    });
    expect(standingRefusal(remembered, { rpm: 5, tpm: null }, 100_000)).toBeNull();
  });
  it('should not stand once the key has another limit', () => {
    expect(standingRefusal(remembered, { rpm: 6, tpm: null }, 70_000)).toBeNull();
  });
  it('should not stand when nothing was remembered', () => {
    expect(standingRefusal(undefined, { rpm: 5, tpm: null }, 70_000)).toBeNull();
  });
});
