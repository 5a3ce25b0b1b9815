import { SignInThrottle } from './sign-in-throttle';

const settings = { limit: 3, windowMs: 60_000, maxAddresses: 2 };

describe('SignInThrottle', () => {
  it('should let an address fail up to the limit, then refuse it until its window ends', () => {
    const throttle = new SignInThrottle(settings);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds('10.0.0.1', 1_000 + i)).toBe(0);
      throttle.failed('10.0.0.1', 1_000 + i);
    }
    // The window began with the first failure, at 1 000 ms: it ends at 61 000 ms.
    expect(throttle.retryAfterSeconds('10.0.0.1', 1_003)).toBe(60);
    expect(throttle.retryAfterSeconds('10.0.0.1', 60_500)).toBe(1);
    expect(throttle.retryAfterSeconds('10.0.0.1', 61_000)).toBe(0);
  });

  it('should count each address on its own', () => {
    const throttle = new SignInThrottle(settings);
    for (let i = 0; i < 3; i++) throttle.failed('10.0.0.1', 0);
    expect(throttle.retryAfterSeconds('10.0.0.1', 0)).toBe(60);
    expect(throttle.retryAfterSeconds('10.0.0.2', 0)).toBe(0);
  });

  it('should start a fresh window after the last one ended', () => {
    const throttle = new SignInThrottle(settings);
    for (let i = 0; i < 3; i++) throttle.failed('10.0.0.1', 0);
    throttle.failed('10.0.0.1', 60_000);
    expect(throttle.retryAfterSeconds('10.0.0.1', 60_000)).toBe(0);
  });

  it('should remember at most maxAddresses, forgetting the oldest first', () => {
    const throttle = new SignInThrottle(settings);
    for (let i = 0; i < 3; i++) throttle.failed('10.0.0.1', 0);
    throttle.failed('10.0.0.2', 1);
    throttle.failed('10.0.0.3', 2);
    expect(throttle.size).toBe(2);
    expect(throttle.retryAfterSeconds('10.0.0.1', 3)).toBe(0);
  });
});
