import { alertSignal } from '../../scripts/observability';

describe('alertSignal', () => {
  it.each([
    ['max(x) > 5', 'max(x)'],
    [
      'sum by (a) (rate(x{code=~"5..",b!="c"}[5m])) / sum(rate(x[5m])) > 0.05',
      'sum by (a) (rate(x{code=~"5..",b!="c"}[5m])) / sum(rate(x[5m]))',
    ],
    ['min by (instance) (up{job=~"r-.*"}) == 0', 'min by (instance) (up{job=~"r-.*"})'],
    ['sum(x{a="1 > 2"}) >= 1', 'sum(x{a="1 > 2"})'],
    ['x != 0', 'x'],
  ])('should take the signal of %s', (expr, signal) => {
    expect(alertSignal(expr)).toBe(signal);
  });

  it('should refuse an expression with no comparison', () => {
    expect(() => alertSignal('sum(rate(x[5m]))')).toThrow('no comparison');
  });
});
