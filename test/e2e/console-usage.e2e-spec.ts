// The console's usage page and the key holder's page in a real browser (Debian's chromium, playwright-core),
// against embedded relaymesh and a fake OpenAI upstream. Two keys (alice, bob) send traffic with the openai SDK,
// each request named by its x-request-id. The operator's usage page shows them, filters by key, model, channel
// and status, charts them by model and by key, and exports exactly the rows shown as CSV. Alice signs in to
// /console/key with her client key: she sees her balance, models with prices and her own requests, never bob's
// (not on the page, not by asking the API for bob's key_id), and her cookie opens nothing under /admin. With
// CONSOLE_SCREENSHOTS_DIR set (docs/screenshots for the README), it saves a screenshot of both pages.
import { Deployment, FakeOpenAI, seedMetered, startDeployment, waitFor } from '@relaymesh/testing';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Browser, Locator, Page, chromium } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS_DIR'];
const PRICED = 'gpt-usage-priced';
const CHEAP = 'gpt-usage-cheap';
/** Served but not priced: a metered key may not call it, and the key's page says so. */
const UNPRICED = 'gpt-usage-unpriced';

/** One attribute of every element a locator finds (the test is type-checked without DOM types). */
const attributes = async (locator: Locator, name: string) =>
  Promise.all((await locator.all()).map((element) => element.getAttribute(name)));

interface Row {
  request_id: string;
  key_id: string;
  model: string;
  status: number;
}

describe('console usage and key holder pages (chromium, embedded)', () => {
  let relay: Deployment;
  let fake: FakeOpenAI;
  let browser: Browser;
  const errors: string[] = [];
  const alice = { id: '', key: '' };
  const bob = { id: '', key: '' };
  /** Request ids per key, as sent. */
  const sent = { alice: [] as string[], bob: [] as string[] };

  const screenshot = async (target: Page, name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  const open = async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    const tab = await context.newPage();
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    tab.on('pageerror', (error) => errors.push(error.message));
    return { context, tab };
  };

  const send = async (who: 'alice' | 'bob', model: string, id: string) => {
    const client = new OpenAI({
      apiKey: who === 'alice' ? alice.key : bob.key,
      baseURL: `${relay.url}/v1`,
      maxRetries: 0,
    });
    sent[who].push(id);
    return client.chat.completions
      .create(
        { model, messages: [{ role: 'user', content: `usage page ${id}` }] },
        { headers: { 'x-request-id': id } },
      )
      .then(
        () => 200,
        (err: { status?: number }) => err.status ?? 0,
      );
  };

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    relay = await startDeployment('embedded', { label: 'console_usage' });
    Object.assign(
      alice,
      await seedMetered(relay, {
        upstreamUrl: fake.url,
        models: [PRICED, CHEAP, UNPRICED],
        price: { input_usd_per_mtok: 2, output_usd_per_mtok: 8 },
        key: { name: 'alice', credit_usd: 5 },
      }),
    );
    await relay.admin('PUT', `/models/${CHEAP}`, { input_usd_per_mtok: 1, output_usd_per_mtok: 4 });
    const created = await relay.admin<{ id: string; key: string }>('POST', '/keys', {
      name: 'bob',
      credit_usd: 5,
    });
    Object.assign(bob, created.body);
    for (let i = 1; i <= 3; i += 1) expect(await send('alice', PRICED, `alice-${i}`)).toBe(200);
    expect(await send('alice', CHEAP, 'alice-cheap')).toBe(200);
    for (let i = 1; i <= 2; i += 1) expect(await send('bob', PRICED, `bob-${i}`)).toBe(200);
    fake.setStickyFault({ kind: 'status', status: 500 });
    expect(await send('alice', PRICED, 'alice-fail')).toBeGreaterThanOrEqual(500);
    fake.setStickyFault(null);
    await waitFor(
      async () => (await relay.admin<{ data: Row[] }>('GET', '/usage')).body.data.length === 7,
      { what: 'the seven records in the ledger', timeoutMs: 20_000, intervalMs: 100 },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await fake?.close();
  });

  it('should show the requests sent with the openai SDK, filter them, chart them and export them', async () => {
    const { context, tab } = await open();
    await tab.goto(`${relay.url}/console`);
    await tab.getByLabel('Admin token').fill(relay.adminToken);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('navigation').getByRole('link', { name: 'Usage' }).click();
    await tab.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();

    const shown = tab.getByTestId('records-shown');
    const requestIds = () =>
      attributes(tab.locator('[data-testid="usage-records"] tbody tr'), 'data-request');
    await shown.filter({ hasText: /^7 requests shown/ }).waitFor();
    expect((await requestIds()).sort()).toEqual([...sent.alice, ...sent.bob].sort());
    expect(await tab.locator('[data-stat="requests"]').textContent()).toBe('7');
    expect(await tab.locator('[data-stat="errors"]').textContent()).toBe('1');

    // Three charts, split by model: each model a series, with bars to show.
    for (const chart of ['cost', 'tokens', 'requests']) {
      await tab.locator(`figure[data-chart="${chart}"] svg rect`).first().waitFor();
    }
    const legend = tab.locator('figure[data-chart="requests"] .legend li');
    expect((await legend.allTextContents()).sort()).toEqual([CHEAP, PRICED].sort());
    const totals = await attributes(
      tab.locator('figure[data-chart="requests"] g[data-bucket]'),
      'data-total',
    );
    expect(totals.reduce((sum, total) => sum + Number(total), 0)).toBe(7);
    await screenshot(tab, 'usage');

    // Split by key: the series are the keys, by name.
    await tab.getByLabel('Split charts by').selectOption('key');
    await legend.filter({ hasText: 'bob' }).waitFor();
    expect((await legend.allTextContents()).sort()).toEqual(['alice', 'bob']);

    // By key: bob's two only, in the list and the totals.
    await tab.getByLabel('Key', { exact: true }).selectOption({ label: 'bob' });
    await shown.filter({ hasText: /^2 requests shown/ }).waitFor();
    expect((await requestIds()).sort()).toEqual(sent.bob.sort());
    await tab.locator('[data-stat="requests"]').filter({ hasText: /^2$/ }).waitFor();

    // By status, all keys: the failed one.
    await tab.getByLabel('Key', { exact: true }).selectOption({ label: 'All keys' });
    await tab.getByLabel('Status').selectOption('error');
    await shown.filter({ hasText: /^1 request shown/ }).waitFor();
    expect(await requestIds()).toEqual(['alice-fail']);
    await tab.locator('[data-stat="requests"]').filter({ hasText: /^1$/ }).waitFor();
    await tab.getByLabel('Status').selectOption('');

    // By model: the cheap one.
    await tab.getByLabel('Model', { exact: true }).fill(CHEAP);
    await tab.getByLabel('Model', { exact: true }).press('Enter');
    await shown.filter({ hasText: /^1 request shown/ }).waitFor();
    expect(await requestIds()).toEqual(['alice-cheap']);
    await tab.getByLabel('Model', { exact: true }).fill('');
    await tab.getByLabel('Model', { exact: true }).press('Enter');

    // By channel: its one channel holds all seven.
    await tab.getByLabel('Channel').selectOption({ index: 1 });
    await shown.filter({ hasText: /^7 requests shown/ }).waitFor();

    // CSV of what is shown: alice's five, with her name and the columns in the header.
    await tab.getByLabel('Channel').selectOption({ index: 0 });
    await tab.getByLabel('Key', { exact: true }).selectOption({ label: 'alice' });
    await shown.filter({ hasText: /^5 requests shown/ }).waitFor();
    const [download] = await Promise.all([
      tab.waitForEvent('download'),
      tab.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^relaymesh-usage-.*\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 8)).toEqual([
      'created_at',
      'request_id',
      'key_id',
      'key_name',
      'model',
      'channel_id',
      'channel_name',
      'status',
    ]);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((row) => row[1]).sort()).toEqual([...sent.alice].sort());
    expect(new Set(rows.map((row) => `${row[2]} ${row[3]}`))).toEqual(
      new Set([`${alice.id} alice`]),
    );
    await context.close();
  });

  it('should let a key holder see its own balance and requests, never another key’s, and never /admin', async () => {
    // A monthly budget beside her credit: her page shows what she spent of it and when it resets.
    expect(
      (
        await relay.admin('PATCH', `/keys/${alice.id}`, {
          budget_usd: 3,
          budget_period: 'month',
        })
      ).status,
    ).toBe(200);
    const { context, tab } = await open();
    await tab.goto(`${relay.url}/console/key`);
    await tab.getByLabel('API key').fill('sk-not-a-key-of-this-gateway-000000000000');
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('alert').filter({ hasText: 'Invalid API key' }).waitFor();
    await tab.getByLabel('API key').fill(alice.key);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'alice', level: 1 }).waitFor();

    const own = await relay.admin<{
      remaining_usd: number;
      used_usd: number;
      budget_resets_at: string;
    }>('GET', `/keys/${alice.id}`);
    expect(own.body.used_usd).toBeGreaterThan(0);
    await tab
      .locator('[data-stat="used"]')
      .filter({ hasText: `$${own.body.used_usd.toFixed(own.body.used_usd >= 0.01 ? 4 : 6)}` })
      .waitFor();
    expect(await tab.locator('[data-stat="remaining"]').textContent()).toBe(
      `$${own.body.remaining_usd.toFixed(2)}`,
    );
    expect(own.body.remaining_usd).toBeCloseTo(5 - own.body.used_usd, 9);
    const resets = `${own.body.budget_resets_at.slice(0, 16).replace('T', ' ')} UTC`;
    expect(await tab.locator('[data-stat="budget"]').textContent()).toMatch(
      new RegExp(`^\\$[0-9.]+ of \\$3\\.00 this month, resets ${resets}$`),
    );
    await tab.locator(`[data-testid="key-models"] tr[data-model="${PRICED}"]`).waitFor();
    expect(
      await tab.locator(`[data-testid="key-models"] tr[data-model="${PRICED}"]`).textContent(),
    ).toContain('2');
    expect(
      await tab.locator(`[data-testid="key-models"] tr[data-model="${UNPRICED}"]`).textContent(),
    ).toContain('not priced');

    const records = tab.locator('[data-testid="key-records"] tbody tr');
    await records.first().waitFor();
    const ids = await attributes(records, 'data-request');
    expect(ids.sort()).toEqual([...sent.alice].sort());
    await tab.locator('figure[data-chart="requests"] svg rect').first().waitFor();
    expect(await tab.getByTestId('key-usage-totals').textContent()).toMatch(/^5 requests/);
    const page = await tab.content();
    for (const id of sent.bob) expect(page).not.toContain(id);
    expect(page).not.toContain(bob.id);
    // The snippets carry this gateway's address, and never the key.
    await tab.locator('details[data-snippet="Codex CLI (~/.codex/config.toml)"] summary').click();
    expect(await tab.getByTestId('snippets').textContent()).toContain(`${relay.url}/v1`);
    expect(page).not.toContain(alice.key);
    await screenshot(tab, 'key-holder');

    // The API itself: bob's id in the query changes nothing; other groupings and channels are refused.
    const asked = await tab.evaluate<
      Record<string, { status: number; body: unknown }>
    >(`(async () => {
      const get = async (path) => {
        const res = await fetch(path);
        return { status: res.status, body: await res.json().catch(() => null) };
      };
      return {
        usage: await get('/console/api/key/usage?key_id=${bob.id}'),
        summary: await get('/console/api/key/usage/summary?key_id=${bob.id}'),
        byKey: await get('/console/api/key/usage/summary?group_by=key'),
        admin: await get('/admin/keys'),
        adminUsage: await get('/admin/usage?key_id=${alice.id}'),
        operator: await get('/console/session'),
      };
    })()`);
    expect(asked['usage'].status).toBe(200);
    const usage = asked['usage'].body as { data: Record<string, unknown>[] };
    expect(usage.data.map((r) => r['request_id']).sort()).toEqual([...sent.alice].sort());
    expect(usage.data.every((r) => !('channel_id' in r) && !('key_id' in r))).toBe(true);
    expect(asked['summary'].body).toMatchObject({ totals: { requests: 5 } });
    expect(asked['byKey'].status).toBe(400);
    expect(asked['admin'].status).toBe(401);
    expect(asked['adminUsage'].status).toBe(401);
    expect(asked['operator'].status).toBe(401);

    // Nothing a script can read holds the key; the session cookie is HttpOnly and Strict.
    expect(await tab.evaluate('JSON.stringify({ ...localStorage, ...sessionStorage })')).toBe('{}');
    expect(await tab.evaluate('document.cookie')).toBe('');
    const cookie = (await context.cookies()).find((c) => c.name === 'relaymesh_key_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    // The key session's value under the operator's cookie name opens nothing either.
    await context.addCookies([{ ...cookie!, name: 'relaymesh_session' }]);
    expect(await tab.evaluate(`fetch('/admin/keys').then((res) => res.status)`)).toBe(401);

    // The key is checked on every read: disabled, its page is refused at once; enabled again, it is back.
    await relay.admin('PATCH', `/keys/${alice.id}`, { enabled: false });
    expect(await tab.evaluate(`fetch('/console/api/key').then((res) => res.status)`)).toBe(403);
    await relay.admin('PATCH', `/keys/${alice.id}`, { enabled: true });
    expect(await tab.evaluate(`fetch('/console/api/key').then((res) => res.status)`)).toBe(200);

    await tab.getByRole('button', { name: 'Sign out' }).click();
    await tab.getByLabel('API key').waitFor();
    expect(await tab.evaluate(`fetch('/console/api/key').then((res) => res.status)`)).toBe(401);
    await context.close();
  });

  it("should not open the key holder's API with an operator session", async () => {
    const { context, tab } = await open();
    await tab.goto(`${relay.url}/console`);
    await tab.getByLabel('Admin token').fill(relay.adminToken);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await tab.evaluate(`fetch('/console/api/key/usage').then((res) => res.status)`)).toBe(
      401,
    );
    await context.close();
  });

  it('should have run under the strict CSP without a single page error', () => {
    // The refused sign-in (401) and the API calls refused on purpose (400, 401, 403) are logged by Chromium as
    // failed loads; anything else (a CSP refusal, an exception) is a defect.
    const unexpected = errors.filter(
      (text) => !/^Failed to load resource: .*status of 40[0134]/.test(text),
    );
    expect(unexpected).toEqual([]);
  });
});
