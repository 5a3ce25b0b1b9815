import { QueryFailedError } from 'typeorm';
import { isDataError, sqlStateOf } from './errors';

/** An error as node-postgres raises it: a message and the SQLSTATE in `code`. */
function pgError(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDataError', () => {
  it.each([
    ['22P05: a NUL in jsonb text', pgError('22P05'), true],
    ['22P02: a lone surrogate in JSON', pgError('22P02'), true],
    ['22003: a number out of range', pgError('22003'), true],
    ['22008: a date out of range', pgError('22008'), true],
    ['23502: a NOT NULL column without a value', pgError('23502'), true],
    ['54000: an index row too large', pgError('54000'), true],
    ['the same, wrapped by TypeORM', new QueryFailedError('q', [], pgError('22021')), true],
    ['42P01: a missing table (a migration, not the data)', pgError('42P01'), false],
    ['57P01: the server shutting down', pgError('57P01'), false],
    ['08006: the connection lost', pgError('08006'), false],
    ['40P01: a deadlock', pgError('40P01'), false],
    ['53300: too many connections', pgError('53300'), false],
    ['ECONNREFUSED: no server at all', pgError('ECONNREFUSED'), false],
    ['ECONNRESET', pgError('ECONNRESET'), false],
    [
      'a timeout without a code',
      new Error('Connection terminated due to connection timeout'),
      false,
    ],
    ['not an error', 'boom', false],
    ['null', null, false],
  ])('%s → %s', (_, err, expected) => {
    expect(isDataError(err)).toBe(expected);
  });

  it('should read the SQLSTATE from TypeORM and node-postgres errors alike', () => {
    expect(sqlStateOf(pgError('22P05'))).toBe('22P05');
    expect(sqlStateOf(new QueryFailedError('q', [], pgError('23505')))).toBe('23505');
    expect(sqlStateOf(pgError('ECONNREFUSED'))).toBeNull();
  });
});
