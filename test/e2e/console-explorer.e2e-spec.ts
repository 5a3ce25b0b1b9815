// The request explorer in a real browser (Debian's chromium, playwright-core), against embedded relaymesh: two
// channels serve one model, the preferred one (priority 10) answers 500, so a request sent with the openai SDK
// and its own x-request-id fails over to the other. The operator finds it by that id and sees both attempts
// (the failing channel with its status and error class, then the one that served), the tokens and the cost;
// the same page opens from the overview's latest requests; a request for a model only the failing channel
// serves, with a fallback chain, shows the fallback model that answered; an id nobody sent says so. The channel
// form edits the Responses fields (the API's refusal of responses_api on an anthropic channel shown beside the
// field), and a Responses request whose hosted tool an anthropic channel dropped shows it in the explorer and
// the overview's list. Screenshot of the page with CONSOLE_SCREENSHOTS_DIR set.
import {
  Deployment,
  FakeAnthropic,
  FakeOpenAI,
  seedMetered,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Browser, Page, chromium } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env['CONSOLE_SCREENSHOTS_DIR'];
const MODEL = 'gpt-explorer';
/** Served by the failing channel only: a request for it falls back to MODEL (`models: [...]`). */
const DOWN_MODEL = 'gpt-explorer-down';
/** Served by an anthropic channel made in the form: Responses requests to it are translated. */
const CLAUDE_MODEL = 'claude-explorer';

interface Explored {
  data: { attempts: number; attempt_log?: { channel_id: string; status: number }[] }[];
}

describe('console request explorer (chromium, embedded)', () => {
  let relay: Deployment;
  let down: FakeOpenAI;
  let up: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  /** The request that failed over, as the client named it. */
  let failedOver = '';
  let client: OpenAI;

  beforeAll(async () => {
    down = await FakeOpenAI.start();
    up = await FakeOpenAI.start();
    anthropic = await FakeAnthropic.start();
    relay = await startDeployment('embedded', { label: 'console_explorer' });
    const key = await seedMetered(relay, {
      upstreamUrl: up.url,
      channelName: 'backup',
      models: [MODEL],
      price: { input_usd_per_mtok: 2, output_usd_per_mtok: 8 },
      key: { name: 'explorer', credit_usd: 5 },
    });
    const preferred = await relay.admin('POST', '/channels', {
      name: 'preferred',
      type: 'openai',
      base_url: down.url,
      keys: ['sk-down'],
      models: [MODEL, DOWN_MODEL],
      priority: 10,
    });
    expect(preferred.status).toBe(201);
    const priced = await relay.admin('PUT', `/models/${DOWN_MODEL}`, {
      input_usd_per_mtok: 2,
      output_usd_per_mtok: 8,
    });
    expect(priced.status).toBe(200);
    down.setStickyFault({ kind: 'status', status: 500 });
    client = new OpenAI({ apiKey: key.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    // Until ingress routes to the preferred channel too: the first request it tries there fails over.
    let n = 0;
    failedOver = await waitFor(
      async () => {
        const id = `explore-failover-${(n += 1)}`;
        await client.chat.completions.create(
          { model: MODEL, messages: [{ role: 'user', content: 'find me later' }] },
          { headers: { 'x-request-id': id } },
        );
        const found = await waitFor(
          async () => {
            const answer = await relay.admin<Explored>('GET', `/requests/${id}`);
            return answer.status === 200 ? answer.body.data[0] : null;
          },
          { what: `the record of ${id}`, timeoutMs: 10_000, intervalMs: 50 },
        );
        return found.attempts === 2 ? id : null;
      },
      { what: 'a request that failed over', timeoutMs: 20_000, intervalMs: 100 },
    );
    client = new OpenAI({ apiKey: key.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${relay.url}/console`);
    await page.getByLabel('Admin token').fill(relay.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await down?.close();
    await up?.close();
    await anthropic?.close();
  });

  it('should find a failed-over request by its id and show both attempts', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('heading', { name: 'Request explorer' }).waitFor();
    await page.getByLabel('Request id (x-request-id)').fill(failedOver);
    await page.getByRole('button', { name: 'Find' }).click();
    const detail = page.getByTestId('request-detail');
    await detail.waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/requests/${failedOver}`);
    const attempts = detail.getByTestId('attempts').locator('tbody tr');
    await attempts.nth(1).waitFor();
    expect(await attempts.count()).toBe(2);
    const [first, second] = [await attempts.nth(0).innerText(), await attempts.nth(1).innerText()];
    expect(first).toContain('preferred');
    expect(first).toContain('500');
    expect(first).toContain('server');
    expect(second).toContain('backup');
    expect(second).toContain('200');
    expect(second).toContain('served');
    expect(await attempts.nth(0).getAttribute('data-error-class')).toBe('server');
    expect(await attempts.nth(1).getAttribute('data-error-class')).toBe('none');
    expect(await detail.locator('[data-stat="attempts"]').innerText()).toBe('2 (1 failover)');
    expect(await detail.locator('[data-stat="model"]').innerText()).toBe(MODEL);
    expect(await detail.locator('[data-stat="cost"]').innerText()).toMatch(/^\$0\.0*[1-9]/);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'request-explorer.png'), fullPage: true });
    }
  });

  it("should open a request from the overview's latest requests", async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('link', { name: failedOver, exact: true }).click();
    await page.getByTestId('attempts').locator('tbody tr').nth(1).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/requests/${failedOver}`);
  });

  it('should show the fallback model that answered when the requested one could not', async () => {
    const id = 'explore-fallback-1';
    // The gateway's fallback chain (OpenRouter's `models`), which the SDK's types do not name.
    const body = {
      model: DOWN_MODEL,
      models: [DOWN_MODEL, MODEL],
      messages: [{ role: 'user' as const, content: 'fall back' }],
    };
    await client.chat.completions.create(body, { headers: { 'x-request-id': id } });
    await waitFor(async () => (await relay.admin('GET', `/requests/${id}`)).status === 200, {
      what: 'the record of the fallback',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    await page.getByLabel('Request id (x-request-id)').fill(id);
    await page.getByRole('button', { name: 'Find' }).click();
    const detail = page.getByTestId('request-detail');
    await detail
      .locator('[data-stat="model"]')
      .filter({ hasText: `${DOWN_MODEL} → ${MODEL} (fallback)` })
      .waitFor();
    const attempts = detail.getByTestId('attempts').locator('tbody tr');
    expect(await attempts.first().innerText()).toContain(DOWN_MODEL);
    expect(await attempts.first().getAttribute('data-error-class')).toBe('server');
    expect(await attempts.last().innerText()).toContain('backup');
    expect(await attempts.last().getAttribute('data-error-class')).toBe('none');
  });

  it('should say so for an id nobody sent, and the API answers 404', async () => {
    await page.getByLabel('Request id (x-request-id)').fill('never-sent-id');
    await page.getByRole('button', { name: 'Find' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'No request with the id never-sent-id' })
      .waitFor();
    expect((await relay.admin('GET', '/requests/never-sent-id')).status).toBe(404);
  });

  it('should create channels with the Responses fields, the API refusing responses_api on anthropic beside it', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    await page.getByRole('button', { name: 'New channel' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('claude-form');
    await dialog.getByLabel('Type').selectOption('anthropic');
    await dialog.getByLabel('Base URL').fill(anthropic.url);
    await dialog.getByLabel('Upstream keys').fill('sk-ant-form');
    await dialog.getByLabel('Models').fill(CLAUDE_MODEL);
    await dialog.getByLabel('Responses API').check();
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    const refusal = dialog.locator('[data-field-error="responses_api"]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('only an openai or openai-compatible channel');
    expect(await dialog.getByLabel('Responses API').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Responses API').uncheck();
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('tr[data-channel="claude-form"]').waitFor();
    expect(await page.locator('[data-responses="claude-form"]').innerText()).toBe(
      'Responses: translated, hosted tools drop',
    );

    await page.getByRole('button', { name: 'New channel' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('compat-form');
    await dialog.getByLabel('Type').selectOption('openai-compatible');
    await dialog.getByLabel('Base URL').fill(up.url);
    await dialog.getByLabel('Upstream keys').fill('sk-compat-form');
    await dialog.getByLabel('Models').fill('compat-form-model');
    await dialog.getByLabel('Responses API').check();
    await dialog.getByLabel('Hosted tools').selectOption('refuse');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('tr[data-channel="compat-form"]').waitFor();
    expect(await page.locator('[data-responses="compat-form"]').innerText()).toBe(
      'Responses: native',
    );
    const stored = await relay.admin<{
      data: { name: string; responses_api: boolean; hosted_tools: string }[];
    }>('GET', '/channels');
    expect(stored.body.data.find((c) => c.name === 'compat-form')).toMatchObject({
      responses_api: true,
      hosted_tools: 'refuse',
    });
    expect(stored.body.data.find((c) => c.name === 'claude-form')).toMatchObject({
      responses_api: false,
      hosted_tools: 'drop',
    });
  });

  it('should show the hosted tools a translated Responses request dropped', async () => {
    const priced = await relay.admin('PUT', `/models/${CLAUDE_MODEL}`, {
      input_usd_per_mtok: 3,
      output_usd_per_mtok: 15,
    });
    expect(priced.status).toBe(200);
    const id = 'explore-dropped-1';
    await waitFor(
      async () => (await client.models.list()).data.some((m) => m.id === CLAUDE_MODEL),
      { what: `${CLAUDE_MODEL} routable` },
    );
    const { response } = await client.responses
      .create(
        {
          model: CLAUDE_MODEL,
          input: 'Say hello.',
          tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }],
        },
        { headers: { 'x-request-id': id } },
      )
      .withResponse();
    expect(response.headers.get('x-relaymesh-dropped-tools')).toBe('file_search');
    await waitFor(async () => (await relay.admin('GET', `/requests/${id}`)).status === 200, {
      what: 'the record of the dropped tool',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Requests' }).click();
    await page.getByLabel('Request id (x-request-id)').fill(id);
    await page.getByRole('button', { name: 'Find' }).click();
    const dropped = page.getByTestId('request-detail').locator('[data-stat="dropped-tools"]');
    await dropped.waitFor();
    expect(await dropped.innerText()).toBe('file_search');
    // The lists of requests say it beside the model too (the overview's latest requests).
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    const marker = page.locator(`[data-dropped-tools="${id}"]`);
    await marker.waitFor();
    expect(await marker.innerText()).toContain('dropped file_search');
  });

  it('should have run under the strict CSP without a single page error', () => {
    // The session asked before signing in (401), the refused channel (400) and the unknown id (404) are logged
    // by Chromium as failed loads; anything else is a defect.
    const unexpected = errors.filter(
      (text) => !/^Failed to load resource: .*status of 40[014]/.test(text),
    );
    expect(unexpected).toEqual([]);
  });
});
