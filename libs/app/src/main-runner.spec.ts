import { DeclarativeConfigError } from './declarative-config';
import { InvalidEnvironmentError } from './env';
import { startFailureMessage } from './main-runner';

/** An error as Node's net module makes it. */
function systemError(message: string, code: string, syscall: string): Error {
  return Object.assign(new Error(message), { code, syscall });
}

describe('startFailureMessage', () => {
  it('should print a bad environment as its message alone, without a stack trace', () => {
    const err = new InvalidEnvironmentError(
      'relaymesh: invalid environment:\n✖ Too small: expected string to have >=32 characters\n  → at RELAYMESH_ADMIN_TOKEN',
    );
    expect(startFailureMessage('relaymesh', err)).toBe(err.message);
  });

  it('should name the app before a config file error', () => {
    const err = new DeclarativeConfigError('environment variable OPENAI_KEY is not set');
    expect(startFailureMessage('router', err)).toBe(
      'router: environment variable OPENAI_KEY is not set',
    );
  });

  it('should print a port in use or a refused connection as the system message', () => {
    const inUse = systemError(
      'listen EADDRINUSE: address already in use 0.0.0.0:8080',
      'EADDRINUSE',
      'listen',
    );
    expect(startFailureMessage('ingress', inUse)).toBe(
      'ingress: cannot start: listen EADDRINUSE: address already in use 0.0.0.0:8080',
    );
    const refused = new AggregateError(
      [
        systemError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED', 'connect'),
        systemError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', 'connect'),
      ],
      '',
    );
    expect(startFailureMessage('router', refused)).toBe(
      'router: cannot start: connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('should keep the stack of an unexpected error, which is a defect to report', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'port')");
    const message = startFailureMessage('ingress', err);
    expect(message).toContain(
      'ingress: cannot start: TypeError: Cannot read properties of undefined',
    );
    expect(message).toContain('main-runner.spec.ts');
  });

  it('should print a thrown non-error as a string', () => {
    expect(startFailureMessage('ingress', 'boom')).toBe('ingress: cannot start: boom');
  });
});
