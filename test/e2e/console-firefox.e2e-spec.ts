// The console in Firefox: Debian's stock `firefox-esr`, driven over WebDriver BiDi (libs/testing
// firefox-bidi.ts; playwright-core cannot drive a stock Firefox), against embedded relaymesh. A smoke test of
// what differs between engines: the page loads under its strict CSP, the operator signs in (the HttpOnly
// cookie is set and no script can read it or any token), the overview, the keys page and the request explorer
// render with the admin API's data, and the page logs no error. Skipped with the reason where Firefox is not
// installed, except in CI (`.ci/run` installs it), where its absence fails the run.
import {
  Deployment,
  FirefoxBidi,
  locateFirefox,
  shouldRunClientSuite,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';

const firefox = locateFirefox();
const suite = shouldRunClientSuite(firefox) ? describe : describe.skip;

suite('web console (firefox-esr over WebDriver BiDi, embedded)', () => {
  let relay: Deployment;
  let browser: FirefoxBidi;

  /** Waits until `expression` is true in the page. */
  const until = (expression: string, what: string) =>
    waitFor(async () => (await browser.evaluate<boolean>(expression)) === true, {
      what,
      timeoutMs: 15_000,
      intervalMs: 100,
    });

  beforeAll(async () => {
    relay = await startDeployment('embedded', { label: 'console_firefox' });
    const created = await relay.admin('POST', '/keys', { name: 'firefox-key', credit_usd: 3 });
    expect(created.status).toBe(201);
    browser = await FirefoxBidi.launch((firefox as { path: string }).path);
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
  });

  it('should sign in, holding no token where a script can read it', async () => {
    await browser.navigate(`${relay.url}/console`);
    await until(`document.querySelector('#field-token') !== null`, 'the sign-in form');
    // As typing does it: the value and the input event Preact listens to; then, once the page has
    // re-rendered with it (a later task), the submit.
    await browser.evaluate(`(() => {
      const field = document.querySelector('#field-token');
      field.value = ${JSON.stringify(relay.adminToken)};
      field.dispatchEvent(new Event('input', { bubbles: true }));
      return true;
    })()`);
    await browser.evaluate(`new Promise((rendered) => setTimeout(() => {
      document.querySelector('#field-token').form.requestSubmit();
      rendered(true);
    }, 50))`);
    await until(
      `[...document.querySelectorAll('h1')].some((h) => h.textContent === 'Overview')`,
      'the overview',
    );
    const readable = await browser.evaluate<string>(
      `JSON.stringify([document.cookie, { ...localStorage }, { ...sessionStorage }])`,
    );
    expect(readable).toBe('["",{},{}]');
    await until(`document.querySelector('[data-stat="in-rotation"]') !== null`, 'channel stats');
  });

  it('should show the keys and the request explorer', async () => {
    await browser.evaluate(`(() => {
      [...document.querySelectorAll('nav a')].find((a) => a.textContent === 'Keys').click();
      return true;
    })()`);
    await until(`document.querySelector('tr[data-key="firefox-key"]') !== null`, 'the key listed');
    await browser.navigate(`${relay.url}/console/requests/never-sent-in-firefox`);
    await until(
      `document.body.textContent.includes('No request with the id never-sent-in-firefox')`,
      'the explorer answering for an unknown id',
    );
  });

  it('should have logged no script error', () => {
    // Failed loads (the 401 of the session asked before signing in, the unknown id's 404) are network
    // events, not log entries; anything logged as an error is a defect.
    expect(browser.errors).toEqual([]);
  });
});
