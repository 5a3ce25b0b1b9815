// The web console in a real browser (Debian's chromium driven by playwright-core; nothing downloaded), against
// relaymesh in embedded mode and a fake OpenAI upstream: sign in with the keyboard; create a channel (the API's
// field errors shown beside the fields first), price a model, create a key and see it once; send traffic with
// the openai SDK and watch today's usage arrive on the open overview; make the channel fail and watch it go
// ejected and come back on the overview (its stats and every channel's latest transitions) and in its timeline; a read-only session offers no writes and the
// API refuses its writes; no token in script-readable storage; sign out. The page must run under its strict CSP
// without a single console error. With CONSOLE_SCREENSHOTS_DIR set (docs/screenshots for the README), it saves
// a screenshot of each main screen.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS_DIR'];
const READER = 'rm-admin-reader-browser-0123456789';
const MODEL = 'gpt-console';

describe('web console (chromium, embedded)', () => {
  let relay: Deployment;
  let fake: FakeOpenAI;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Everything the page logged as an error (a CSP violation is one), by page. */
  const errors: string[] = [];
  let clientKey = '';
  let channelId = '';

  const screenshot = async (target: Page, name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  const open = async (viewport = { width: 1280, height: 800 }) => {
    const ctx = await browser.newContext({ viewport });
    const tab = await ctx.newPage();
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    tab.on('pageerror', (error) => errors.push(error.message));
    return { ctx, tab };
  };

  const signIn = async (tab: Page, token: string) => {
    await tab.goto(`${relay.url}/console`);
    const field = tab.getByLabel('Admin token');
    await field.waitFor();
    // Keyboard only: the token field is the first stop of Tab, the form submits on Enter.
    await tab.keyboard.press('Tab');
    expect(await tab.evaluate('document.activeElement?.id')).toBe('field-token');
    await tab.keyboard.type(token);
    await tab.keyboard.press('Enter');
    await tab.getByRole('heading', { name: 'Overview' }).waitFor();
  };

  const go = async (tab: Page, name: string) => {
    await tab.getByRole('navigation').getByRole('link', { name }).click();
    await tab.getByRole('heading', { level: 1 }).filter({ hasText: name }).first().waitFor();
  };

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    relay = await startDeployment('embedded', {
      label: 'console_browser',
      env: {
        RELAYMESH_ADMIN_READONLY_TOKENS: READER,
        // Short health thresholds (as in self-healing.e2e-spec.ts): a failing channel leaves and returns in seconds.
        RELAYMESH_HEALTH_TICK_MS: '100',
        RELAYMESH_HEALTH_FLUSH_MS: '200',
        RELAYMESH_HEALTH_EJECTION_BASE_MS: '1000',
        RELAYMESH_HEALTH_EJECTION_JITTER: '0',
        RELAYMESH_HEALTH_PROBE_INTERVAL_MS: '500',
        RELAYMESH_HEALTH_PROBE_MAX_INTERVAL_MS: '1000',
        RELAYMESH_HEALTH_RAMP_MS: '1000',
      },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    ({ ctx: context, tab: page } = await open());
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await fake?.close();
  });

  it('should sign in with the admin token, holding no token where a script can read it', async () => {
    await page.goto(`${relay.url}/console`);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Admin token').fill('rm-admin-not-the-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not an admin token' }).waitFor();
    await signIn(page, relay.adminToken);
    // Strings, not functions: this file is type-checked against Node's globals, which have no DOM.
    const readable = {
      local: await page.evaluate('JSON.stringify({ ...localStorage })'),
      session: await page.evaluate('JSON.stringify({ ...sessionStorage })'),
    };
    const scriptCookies = await page.evaluate('document.cookie');
    expect(readable.local).not.toContain(relay.adminToken);
    expect(readable.session).not.toContain(relay.adminToken);
    expect(readable.local).toBe('{}');
    expect(readable.session).toBe('{}');
    // HttpOnly: the session cookie exists but no script sees it.
    expect(scriptCookies).not.toContain('relaymesh_session');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'relaymesh_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('should create a channel, showing the API field errors beside the fields first, and test it', async () => {
    await go(page, 'Channels');
    await page.getByRole('button', { name: 'New channel' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('fake-openai');
    await dialog.getByLabel('Base URL').fill('ftp://127.0.0.1:1');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    // Refused by the API's own validation, each message beside its field.
    await dialog.locator('[data-field-error="base_url"]').waitFor();
    await dialog.locator('[data-field-error="keys"]').waitFor();
    expect(await dialog.getByLabel('Base URL').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'channel-form-errors');
    await dialog.getByLabel('Base URL').fill(fake.url);
    await dialog.getByLabel('Upstream keys').fill('sk-upstream-console');
    await dialog.getByLabel('Models').fill(MODEL);
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    const row = page.locator('tr[data-channel="fake-openai"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('in rotation');
    expect(await row.textContent()).toContain(MODEL);
    await row.getByRole('button', { name: 'Test now' }).click();
    await page.getByRole('status').filter({ hasText: 'fake-openai: answered 200' }).waitFor();
    const channels = await relay.admin<{ data: { id: string; name: string; base_url: string }[] }>(
      'GET',
      '/channels',
    );
    expect(channels.body.data).toEqual([
      expect.objectContaining({ name: 'fake-openai', base_url: fake.url }),
    ]);
    channelId = channels.body.data[0].id;
    await screenshot(page, 'channels');
  });

  it('should price a model', async () => {
    await go(page, 'Models');
    await page.getByRole('button', { name: 'Price a model' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Model', { exact: true }).fill(MODEL);
    await dialog.getByLabel('Input, USD per million tokens').fill('2');
    await dialog.getByLabel('Output, USD per million tokens').fill('8');
    await dialog.getByRole('button', { name: 'Save price' }).click();
    await page.locator(`tr[data-model="${MODEL}"]`).waitFor();
    const prices = await relay.admin<{ data: { model: string; input_usd_per_mtok: number }[] }>(
      'GET',
      '/models',
    );
    expect(prices.body.data).toEqual([
      expect.objectContaining({ model: MODEL, input_usd_per_mtok: 2, output_usd_per_mtok: 8 }),
    ]);
    await screenshot(page, 'models');
  });

  it('should create a key and show it once', async () => {
    await go(page, 'Keys');
    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('console-key');
    await dialog.getByLabel('Credit (USD)').fill('5');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const shown = dialog.getByTestId('new-key');
    await shown.waitFor();
    clientKey = (await shown.textContent()) ?? '';
    expect(clientKey).toMatch(/^sk-/);
    await screenshot(page, 'key-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.locator('tr[data-key="console-key"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('$5.00');
    // Once: the list shows a hint, never the key again.
    expect(await page.content()).not.toContain(clientKey);
  });

  it('should show usage arriving on the open overview, live, after traffic through the openai SDK', async () => {
    await go(page, 'Overview');
    const requests = page.locator('[data-stat="requests"]');
    await requests.filter({ hasText: /^0$/ }).waitFor();
    const client = new OpenAI({ apiKey: clientKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 3; i += 1) {
      const answer = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: `hello from the console test ${i}` }],
      });
      expect(answer.choices[0].message.content).toEqual(expect.any(String));
    }
    // Nobody clicks Refresh: the overview refreshes itself every 5 s while visible.
    await requests.filter({ hasText: /^3$/ }).waitFor({ timeout: 20_000 });
    // The last minute's rate: the 3 requests over its 60 s, and none failed.
    await page
      .locator('[data-stat="rps"]')
      .filter({ hasText: /^0\.05\/s$/ })
      .waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-stat="live-errors"]').textContent()).toBe('0.0%');
    expect(await page.locator('[data-stat="in-rotation"]').textContent()).toBe('1');
    expect(await page.locator('[data-stat="cost"]').textContent()).toMatch(/^\$0\.0*[1-9]/);
    await screenshot(page, 'overview');
    await go(page, 'Keys');
    await screenshot(page, 'keys');
  });

  it('should show a failing channel ejected and back, on the overview and in its timeline', async () => {
    const client = new OpenAI({ apiKey: clientKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    const status = async () =>
      (
        await relay.admin<{ status: string; health: { state: string } }>(
          'GET',
          `/channels/${channelId}`,
        )
      ).body;
    await go(page, 'Overview');
    fake.setStickyFault({ kind: 'status', status: 500 });
    await waitFor(
      async () => {
        await client.chat.completions
          .create({ model: MODEL, messages: [{ role: 'user', content: 'fail' }] })
          .catch(() => undefined);
        return (await status()).status === 'auto_disabled';
      },
      { what: 'the failing channel ejected', timeoutMs: 30_000, intervalMs: 20 },
    );
    // The open overview sees it by itself.
    await page
      .locator('[data-stat="ejected"]')
      .filter({ hasText: /^1$/ })
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-stat="in-rotation"]').textContent()).toBe('0');
    const overviewTransitions = page.getByTestId('overview-transitions');
    await overviewTransitions
      .locator('li', { hasText: 'fake-openai: ' })
      .filter({ hasText: '→ ejected' })
      .first()
      .waitFor({ timeout: 15_000 });

    await go(page, 'Channels');
    const row = page.locator('tr[data-channel="fake-openai"]');
    await row.getByText('ejected').waitFor();
    await row.getByRole('button', { name: 'Timeline' }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.locator('li', { hasText: '→ ejected' }).first().waitFor();
    await screenshot(page, 'channel-timeline');

    fake.setStickyFault(null);
    // Probes find it healed: the timeline, still open, shows it coming back.
    await timeline.locator('li', { hasText: 'ejected → recovering' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await timeline.waitFor({ state: 'detached' });
    await waitFor(async () => (await status()).health.state === 'healthy', {
      what: 'the ramp back to healthy',
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    // The overview, opened again, shows the channel back, newest first.
    await go(page, 'Overview');
    await overviewTransitions
      .locator('li')
      .first()
      .filter({ hasText: 'fake-openai: recovering → healthy' })
      .waitFor({ timeout: 15_000 });
    const latest = await relay.admin<{ data: { channel_id: string; to: string }[] }>(
      'GET',
      '/transitions?limit=2',
    );
    expect(latest.body.data).toEqual([
      expect.objectContaining({ channel_id: channelId, to: 'healthy' }),
      expect.objectContaining({ channel_id: channelId, to: 'recovering' }),
    ]);
    expect((await relay.admin('GET', '/transitions?limit=0')).status).toBe(400);
    const history = await relay.admin<{ data: { from: string; to: string }[] }>(
      'GET',
      `/channels/${channelId}/transitions`,
    );
    expect(history.body.data.slice(0, 3).map((t) => `${t.from}>${t.to}`)).toEqual([
      'recovering>healthy',
      'ejected>recovering',
      expect.stringMatching(/>ejected$/),
    ]);
    expect(
      (await relay.admin('GET', '/channels/00000000-0000-4000-8000-000000000000/transitions'))
        .status,
    ).toBe(404);
    expect((await relay.admin('GET', `/channels/${channelId}/transitions?limit=0`)).status).toBe(
      400,
    );
  });

  it('should be usable at a phone width', async () => {
    const { ctx, tab } = await open({ width: 390, height: 844 });
    await signIn(tab, relay.adminToken);
    await tab.getByRole('link', { name: 'Channels' }).waitFor();
    await tab.locator('[data-stat="requests"]').waitFor();
    const width = await tab.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(tab, 'overview-phone');
    await ctx.close();
  });

  it('should give a read-only session no writes, and have the API refuse them', async () => {
    const { ctx, tab } = await open();
    await signIn(tab, READER);
    await tab.getByText('read-only', { exact: true }).waitFor();
    await go(tab, 'Channels');
    await tab.locator('tr[data-channel="fake-openai"]').waitFor();
    expect(await tab.getByRole('button', { name: 'New channel' }).count()).toBe(0);
    expect(await tab.getByRole('button', { name: 'Test now' }).count()).toBe(0);
    await go(tab, 'Keys');
    await tab.locator('tr[data-key="console-key"]').waitFor();
    expect(await tab.getByRole('button', { name: 'New key' }).count()).toBe(0);
    // A script of the page itself, with the session's CSRF value, is still refused: the role is in the cookie.
    const status = await tab.evaluate(async () => {
      const session = (await (await fetch('/console/session')).json()) as { csrf: string };
      const res = await fetch('/admin/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-relaymesh-csrf': session.csrf },
        body: JSON.stringify({ name: 'by-a-reader' }),
      });
      return res.status;
    });
    expect(status).toBe(403);
    const keys = await relay.admin<{ data: { name: string }[] }>('GET', '/keys');
    expect(keys.body.data.map((key) => key.name)).toEqual(['console-key']);
    await ctx.close();
  });

  it('should edit, disable and re-enable a channel, and edit a price', async () => {
    await go(page, 'Channels');
    const row = page.locator('tr[data-channel="fake-openai"]');
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Priority').fill('x');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('[data-field-error="priority"]').waitFor();
    await dialog.getByLabel('Priority').fill('5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'fake-openai saved' }).waitFor();
    // The list reloads after the notice: wait for the new priority, not the old.
    await row
      .locator('td.num')
      .filter({ hasText: /^5 \/ 1$/ })
      .waitFor();
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('manually disabled').waitFor();
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('in rotation').waitFor();
    const channel = await relay.admin<{ data: { priority: number; enabled: boolean }[] }>(
      'GET',
      '/channels',
    );
    expect(channel.body.data).toEqual([expect.objectContaining({ priority: 5, enabled: true })]);

    await go(page, 'Models');
    await page
      .locator(`tr[data-model="${MODEL}"]`)
      .getByRole('button', { name: 'Edit price' })
      .click();
    await page.getByRole('dialog').getByLabel('Output, USD per million tokens').fill('9.5');
    await page.getByRole('dialog').getByRole('button', { name: 'Save price' }).click();
    await page.locator(`tr[data-model="${MODEL}"]`).getByText('$9.50').waitFor();
  });

  it("should edit a key's limits, models, addresses, expiry and period budget", async () => {
    await go(page, 'Keys');
    const row = page.locator('tr[data-key="console-key"]');
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Requests / min').fill('0');
    await dialog.getByLabel('Allowed addresses').fill('127.0.0.1/32, not-an-address');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('[data-field-error="rpm"]').waitFor();
    await dialog.locator('[data-field-error="allow_ips"]').waitFor();
    await dialog.getByLabel('Requests / min').fill('60');
    await dialog.getByLabel('Allowed addresses').fill('127.0.0.1/32, 10.0.0.0/8');
    await dialog.getByLabel('Models', { exact: true }).fill(MODEL);
    await dialog.getByLabel('Expires (UTC)').fill('2099-12-31');
    // A budget without its period: the API's refusal is shown beside the period.
    await dialog.getByLabel('Budget (USD)').fill('2.5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('[data-field-error="budget_period"]').waitFor();
    await dialog.getByLabel('Budget period (UTC)').selectOption('week');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByText('60 rpm; from 127.0.0.1/32, 10.0.0.0/8').waitFor();
    await row
      .locator('[data-budget]')
      .filter({ hasText: /of \$2\.50 this week, resets / })
      .waitFor();
    const key = await relay.admin<{ data: Record<string, unknown>[] }>('GET', '/keys');
    expect(key.body.data).toEqual([
      expect.objectContaining({
        rpm: 60,
        tpm: null,
        models: [MODEL],
        allow_ips: ['127.0.0.1/32', '10.0.0.0/8'],
        expires_at: '2099-12-31T23:59:59.000Z',
        budget_usd: 2.5,
        budget_period: 'week',
      }),
    ]);
    // The key still works from here (127.0.0.1, within its limits).
    const client = new OpenAI({ apiKey: clientKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    // Emptying a limit removes it.
    await row.getByRole('button', { name: 'Edit', exact: true }).click();
    await dialog.getByLabel('Requests / min').fill('');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByText('from 127.0.0.1/32, 10.0.0.0/8', { exact: true }).waitFor();
    const after = await relay.admin<{ data: Record<string, unknown>[] }>('GET', '/keys');
    expect(after.body.data[0]).toMatchObject({ rpm: null, models: [MODEL] });
  });

  it('should add credit to, disable and delete a key', async () => {
    await go(page, 'Keys');
    const row = page.locator('tr[data-key="console-key"]');
    await row.getByRole('button', { name: 'Add credit' }).click();
    await page.getByRole('dialog').getByLabel('Amount (USD)').fill('2.5');
    await page.getByRole('dialog').getByRole('button', { name: 'Add credit' }).click();
    // Credit and remaining both read $7.50 (the usage so far rounds away).
    await row.getByText('$7.50').first().waitFor();
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    const client = new OpenAI({ apiKey: clientKey, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await expect(
      client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 403 });
    page.once('dialog', (confirm) => void confirm.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'console-key deleted' }).waitFor();
    await row.waitFor({ state: 'detached' });
    expect((await relay.admin<{ data: unknown[] }>('GET', '/keys')).body.data).toEqual([]);
  });

  it('should sign out, after which the admin API refuses the browser', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin token').waitFor();
    const status = await page.evaluate(async () => (await fetch('/admin/keys')).status);
    expect(status).toBe(401);
    expect((await context.cookies()).find((c) => c.name === 'relaymesh_session')).toBeUndefined();
  });

  it('should have run under the strict CSP without a single page error', () => {
    // The refused channel (400), the failed sign-in (401) and the refused write (403) above are logged by
    // Chromium as failed loads; anything else (a CSP refusal, an exception) is a defect.
    const unexpected = errors.filter(
      (text) => !/^Failed to load resource: .*status of 40[013]/.test(text),
    );
    expect(unexpected).toEqual([]);
  });
});
