// Body logging (issue 19), end to end in embedded mode with the openai SDK: with RELAYMESH_BODY_LOG=on a
// request's body and the answer sent (non-stream and stream) appear in GET /admin/requests/{id}, a credential in
// the body redacted; with it off (the default) nothing is stored.
import { Deployment, FakeOpenAI, startDeployment, waitFor } from '@relaymesh/testing';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

interface Explored {
  data: { bodies?: { request: string | null; response: string | null; truncated: boolean } }[];
}

/** Credential-shaped text a user pasted into a prompt: it must not be stored. */
const PASTED_KEY = 'sk-pasted0123456789abcdefghij';

async function gateway(fake: FakeOpenAI, env: Record<string, string>, label: string) {
  const relay = await startDeployment('embedded', { label, env });
  const channel = await relay.admin('POST', '/channels', {
    name: 'openai',
    type: 'openai',
    base_url: fake.url,
    keys: ['sk-upstream-body-log'],
    models: ['gpt-5-mini'],
  });
  expect(channel.status).toBe(201);
  const key = await relay.admin<{ key: string }>('POST', '/keys', { name: 'bodies' });
  const client = new OpenAI({ apiKey: key.body.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: `hello, my key is ${PASTED_KEY}` }];
  const headers = (requestId: string) => ({ headers: { 'x-request-id': requestId } });
  const chat = (requestId: string) =>
    client.chat.completions.create({ model: 'gpt-5-mini', messages }, headers(requestId));
  const stream = (requestId: string) =>
    client.chat.completions.create(
      { model: 'gpt-5-mini', messages, stream: true },
      headers(requestId),
    );
  await waitFor(() => chat(`warm-${randomUUID()}`).then(() => true), {
    what: 'gpt-5-mini routable',
  });
  const explore = async (requestId: string) => {
    const answer = await relay.admin<Explored>('GET', `/requests/${requestId}`);
    return answer.status === 200 ? answer.body.data : null;
  };
  return { relay, chat, stream, explore };
}

describe('body logging (embedded)', () => {
  let fake: FakeOpenAI;
  const relays: Deployment[] = [];

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await fake?.close();
  });

  it('should store the request and the answer sent, redacted, when RELAYMESH_BODY_LOG=on', async () => {
    const on = await gateway(fake, { RELAYMESH_BODY_LOG: 'on' }, 'body_log_on');
    relays.push(on.relay);

    const plainId = `plain-${randomUUID()}`;
    const completion = await on.chat(plainId);
    const [plain] = await waitFor(() => on.explore(plainId), {
      what: 'the plain request recorded',
    });
    expect(plain.bodies).toBeDefined();
    expect(plain.bodies!.truncated).toBe(false);
    expect(plain.bodies!.request).toContain('"model":"gpt-5-mini"');
    expect(plain.bodies!.request).toContain('[REDACTED]');
    expect(plain.bodies!.request).not.toContain(PASTED_KEY);
    expect(JSON.parse(plain.bodies!.response!)).toMatchObject({ id: completion.id });

    const streamId = `stream-${randomUUID()}`;
    const chunks = await on.stream(streamId);
    for await (const chunk of chunks) void chunk;
    const [streamed] = await waitFor(() => on.explore(streamId), { what: 'the stream recorded' });
    expect(streamed.bodies!.request).toContain('"stream":true');
    expect(streamed.bodies!.response).toMatch(/^data: \{/);
    expect(streamed.bodies!.response).toContain('data: [DONE]');

    // The console's request explorer shows them, collapsed, as text.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${on.relay.url}/console`);
      await page.getByLabel('Admin token').fill(on.relay.adminToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.goto(`${on.relay.url}/console/requests/${plainId}`);
      const request = page.getByTestId('bodies').locator('details[data-body="Request body"]');
      await request.waitFor();
      expect(await request.getAttribute('open')).toBeNull();
      await request.locator('summary').click();
      const shown = await request.locator('pre').innerText();
      expect(shown).toContain('"model":"gpt-5-mini"');
      expect(shown).not.toContain(PASTED_KEY);
      const answer = page.getByTestId('bodies').locator('details[data-body="Answer sent"]');
      await answer.locator('summary').click();
      expect(await answer.locator('pre').innerText()).toContain(completion.id);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('should store no bodies by default', async () => {
    const off = await gateway(fake, {}, 'body_log_off');
    relays.push(off.relay);
    const requestId = `off-${randomUUID()}`;
    await off.chat(requestId);
    const [record] = await waitFor(() => off.explore(requestId), { what: 'the request recorded' });
    expect(record.bodies).toBeUndefined();
  }, 90_000);
});
