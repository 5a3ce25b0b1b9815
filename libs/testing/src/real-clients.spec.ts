// The helpers around real client programs: where a client is missing the reason names what to install, CI
// fails rather than skips, and the proxy trap records what a program tried to reach and lets nothing through.
import { connect } from 'node:net';
import { isCi, locateClient, ProxyTrap, shouldRunClientSuite } from './real-clients';

describe('locateClient and shouldRunClientSuite', () => {
  const previousCi = process.env['CI'];
  afterEach(() => {
    if (previousCi === undefined) delete process.env['CI'];
    else process.env['CI'] = previousCi;
  });

  it('finds the first candidate that exists', () => {
    expect(locateClient('node', ['/nonexistent/node', process.execPath])).toEqual({
      found: true,
      path: process.execPath,
    });
  });

  it('says what is missing and how to get it', () => {
    const location = locateClient('Some CLI', ['/nonexistent/bin/some']);
    expect(location).toEqual({
      found: false,
      reason: expect.stringMatching(
        /Some CLI is not installed .*\/nonexistent\/bin\/some.*npm install/,
      ),
    });
  });

  it('skips a missing client outside CI and runs (to fail) in CI', () => {
    const missing = locateClient('Some CLI', []);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    delete process.env['CI'];
    expect(shouldRunClientSuite(missing)).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Some CLI is not installed'));
    process.env['CI'] = 'true';
    expect(shouldRunClientSuite(missing)).toBe(true);
    expect(shouldRunClientSuite({ found: true, path: process.execPath })).toBe(true);
    warn.mockRestore();
  });
});

describe('ProxyTrap', () => {
  let trap: ProxyTrap;
  beforeEach(async () => {
    trap = await ProxyTrap.start();
  });
  afterEach(() => trap.close());

  it('records the request line of each attempt and closes the connection', async () => {
    const port = Number(new URL(trap.url).port);
    const closed = await new Promise<string>((done) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('CONNECT api.github.com:443 HTTP/1.1\r\nHost: api.github.com:443\r\n\r\n'),
      );
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('close', () => done(received));
    });
    expect(closed).toBe('');
    expect(trap.attempts).toEqual(['CONNECT api.github.com:443 HTTP/1.1']);
    trap.reset();
    expect(trap.attempts).toEqual([]);
  });

  it('gives every proxy variable the trap and exempts the loopback', () => {
    const env = trap.env();
    for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY']) {
      expect(env[name]).toBe(trap.url);
    }
    expect(env['NO_PROXY']).toBe('127.0.0.1,localhost');
  });
});

describe('isCi', () => {
  it.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'TRUE' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '0' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('should read %j as CI=%s', (env, expected) => {
    expect(isCi(env)).toBe(expected);
  });
});
