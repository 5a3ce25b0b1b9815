// The Responses API end to end, with the official `openai` SDK against relaymesh (embedded) and the fakes:
// - a channel speaking the Responses API (type `openai`) gets `/v1/responses` passed through: every tool type
//   intact (namespace, web_search, file_search), unknown fields too, usage read beside the relay (non-stream
//   `usage` and the stream's `response.completed`);
// - a translated channel (anthropic) drops the hosted tools its provider cannot run and says so in the
//   `x-relaymesh-dropped-tools` header and the usage record; a channel with `hosted_tools: refuse` refuses;
// - Responses state stays upstream: a request continuing a stored response (`previous_response_id`) reaches the
//   channel (the OpenAI organisation) that stored it even when routing would now prefer another; a translated
//   channel refuses it with a message that says what to do.
import OpenAI from 'openai';
import {
  AnthropicRequestBody,
  Deployment,
  FakeAnthropic,
  FakeOpenAI,
  RecordedRequest,
  startDeployment,
  waitFor,
} from '@relaymesh/testing';

const TOOLS = [
  {
    type: 'namespace',
    name: 'multi_agent_v1',
    description: 'Sub-agents.',
    tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object' } }],
  },
  { type: 'function', name: 'exec_command', parameters: { type: 'object' }, strict: false },
  { type: 'web_search', external_web_access: false },
  { type: 'file_search', vector_store_ids: ['vs_1'] },
];

interface UsageView {
  request_id: string;
  channel_id: string | null;
  input_tokens: number;
  output_tokens: number;
  dropped_tools: string[];
}

describe('the Responses API through relaymesh (pass-through, hosted tools, stored state)', () => {
  let relay: Deployment;
  let orgA: FakeOpenAI;
  let orgB: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let client: OpenAI;
  const channelIds: Record<string, string> = {};

  const createChannel = async (body: Record<string, unknown>) => {
    const created = await relay.admin<{ id: string }>('POST', '/channels', body);
    if (created.status !== 201) throw new Error(`channel refused: ${JSON.stringify(created.body)}`);
    channelIds[body['name'] as string] = created.body.id;
  };

  const usageOf = (requestId: string) =>
    waitFor(
      async () =>
        (await relay.admin<{ data: UsageView[] }>('GET', `/usage?request_id=${requestId}`)).body
          .data[0],
      { what: `the usage record of ${requestId}` },
    );

  const generations = (fake: FakeOpenAI | FakeAnthropic): RecordedRequest[] =>
    fake.requests.filter((r) => r.method === 'POST');

  beforeAll(async () => {
    [orgA, orgB, anthropic] = await Promise.all([
      FakeOpenAI.start(),
      FakeOpenAI.start(),
      FakeAnthropic.start(),
    ]);
    relay = await startDeployment('embedded', { label: 'responses' });
    // Two OpenAI organisations serving one model: A first (priority), B behind it.
    await createChannel({
      name: 'org-a',
      type: 'openai',
      base_url: orgA.url,
      keys: ['sk-org-a'],
      models: ['gpt-r'],
      priority: 10,
    });
    await createChannel({
      name: 'org-b',
      type: 'openai',
      base_url: orgB.url,
      keys: ['sk-org-b'],
      models: ['gpt-r'],
    });
    await createChannel({
      name: 'claude',
      type: 'anthropic',
      base_url: anthropic.url,
      keys: ['sk-ant-r'],
      models: ['claude-r'],
    });
    await createChannel({
      name: 'claude-strict',
      type: 'anthropic',
      base_url: anthropic.url,
      keys: ['sk-ant-r'],
      models: ['claude-strict'],
      hosted_tools: 'refuse',
    });
    // OpenAI-compatible servers: one declares /v1/responses, one does not (Chat Completions only).
    await createChannel({
      name: 'compat-responses',
      type: 'openai-compatible',
      base_url: orgB.url,
      keys: ['sk-compat'],
      models: ['compat-r'],
      responses_api: true,
    });
    await createChannel({
      name: 'compat-chat',
      type: 'openai-compatible',
      base_url: orgB.url,
      keys: ['sk-compat'],
      models: ['compat-chat'],
    });
    const key = await relay.admin<{ key: string }>('POST', '/keys', { name: 'responses' });
    client = new OpenAI({ apiKey: key.body.key, baseURL: `${relay.url}/v1`, maxRetries: 0 });
    await waitFor(async () => (await client.models.list()).data.length >= 3, {
      what: 'the channels routable',
    });
  }, 90_000);

  afterEach(() => {
    orgA.reset();
    orgB.reset();
    anthropic.reset();
  });

  afterAll(async () => {
    await relay?.stop();
    await Promise.all([orgA?.close(), orgB?.close(), anthropic?.close()]);
  });

  it('should pass a request through to an openai channel with every tool and unknown field intact', async () => {
    const { data, response } = await client.responses
      .create({
        model: 'gpt-r',
        input: 'Say hello.',
        store: false,
        tools: TOOLS as unknown as OpenAI.Responses.Tool[],
        // A field newer than this gateway (Codex sends it): the upstream's to judge.
        client_metadata: { 'x-codex-installation-id': 'i-1' },
      } as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .withResponse();

    expect(data.status).toBe('completed');
    const [sent] = generations(orgA);
    expect(sent.path).toBe('/v1/responses');
    expect(sent.body).toEqual({
      model: 'gpt-r',
      input: 'Say hello.',
      store: false,
      tools: TOOLS,
      client_metadata: { 'x-codex-installation-id': 'i-1' },
    });
    expect(response.headers.get('x-relaymesh-dropped-tools')).toBeNull();
    const usage = await usageOf(response.headers.get('x-request-id')!);
    expect(usage).toMatchObject({ channel_id: channelIds['org-a'], dropped_tools: [] });
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBe(data.usage?.output_tokens);
  });

  it('should pass through to an openai-compatible server only when it declares the Responses API', async () => {
    await client.responses.create({ model: 'compat-r', input: 'Say hello.', store: false });
    await client.responses.create({ model: 'compat-chat', input: 'Say hello.', store: false });

    expect(generations(orgB).map((r) => r.path)).toEqual(['/v1/responses', '/v1/chat/completions']);
  });

  it('should relay a stream event by event and meter the usage of its response.completed', async () => {
    const { data: stream, response } = await client.responses
      .create({ model: 'gpt-r', input: 'Say hello.', stream: true, store: false })
      .withResponse();
    let completed: OpenAI.Responses.Response | null = null;
    for await (const event of stream) {
      if (event.type === 'response.completed') completed = event.response;
    }

    expect(generations(orgA)[0].path).toBe('/v1/responses');
    const usage = await usageOf(response.headers.get('x-request-id')!);
    expect(usage.output_tokens).toBe(completed?.usage?.output_tokens);
    expect(usage.input_tokens).toBe(completed?.usage?.input_tokens);
  });

  it('should drop on a translated channel what its provider cannot run, and say which', async () => {
    const { data, response } = await client.responses
      .create({
        model: 'claude-r',
        input: 'Say hello.',
        tools: TOOLS as unknown as OpenAI.Responses.Tool[],
      })
      .withResponse();

    expect(data.status).toBe('completed');
    expect(response.headers.get('x-relaymesh-dropped-tools')).toBe('file_search');
    const sent = generations(anthropic)[0].body as AnthropicRequestBody;
    // Web search became Claude's own server tool; file search is gone.
    expect((sent.tools ?? []).map((t) => t.name)).toEqual([
      'web_search',
      'multi_agent_v1__spawn_agent',
      'exec_command',
    ]);
    const usage = await usageOf(response.headers.get('x-request-id')!);
    expect(usage.dropped_tools).toEqual(['file_search']);

    // A stream says it in its head too.
    const { data: stream, response: streamed } = await client.responses
      .create({
        model: 'claude-r',
        input: 'Say hello.',
        stream: true,
        tools: TOOLS as unknown as OpenAI.Responses.Tool[],
      })
      .withResponse();
    for await (const event of stream) void event;
    expect(streamed.headers.get('x-relaymesh-dropped-tools')).toBe('file_search');
    expect((await usageOf(streamed.headers.get('x-request-id')!)).dropped_tools).toEqual([
      'file_search',
    ]);
  });

  it('should answer a hosted tool type no header can carry, naming it in the usage record only', async () => {
    const { response } = await client.responses
      .create({
        model: 'claude-r',
        input: 'Say hello.',
        tools: [{ type: 'odd\r\nx-injected: 1' }, { type: 'file_search' }] as never,
      })
      .withResponse();

    expect(response.headers.get('x-relaymesh-dropped-tools')).toBe('file_search');
    expect(response.headers.get('x-injected')).toBeNull();
    const usage = await usageOf(response.headers.get('x-request-id')!);
    expect(usage.dropped_tools).toEqual(['odd\ufffd\ufffdx-injected: 1', 'file_search']);
  });

  it("should refuse with a 400 naming the tools on a channel whose policy is 'refuse'", async () => {
    const refused = client.responses.create({
      model: 'claude-strict',
      input: 'Say hello.',
      tools: TOOLS as unknown as OpenAI.Responses.Tool[],
    });

    await expect(refused).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_tool',
      param: 'tools',
      message: expect.stringContaining("'file_search'"),
    });
    expect(generations(anthropic)).toEqual([]);
  });

  it('should take a continued response to the organisation that stored it', async () => {
    const first = await client.responses.create({ model: 'gpt-r', input: 'Say hello.' });
    expect(generations(orgA)).toHaveLength(1);
    // Routing now prefers organisation B, which never saw the first response.
    await relay.admin('PATCH', `/channels/${channelIds['org-a']}`, { priority: -10 });
    await waitFor(
      async () => {
        await client.responses.create({ model: 'gpt-r', input: 'ping', store: false });
        return generations(orgB).length > 0;
      },
      { what: 'organisation B preferred' },
    );

    const second = await client.responses.create({
      model: 'gpt-r',
      input: 'Say it again.',
      previous_response_id: first.id,
    });

    expect(second.previous_response_id).toBe(first.id);
    expect(generations(orgA).at(-1)?.body).toMatchObject({ previous_response_id: first.id });
    await relay.admin('PATCH', `/channels/${channelIds['org-a']}`, { priority: 10 });
    const servedByA = generations(orgA).length;
    await waitFor(
      async () => {
        await client.responses.create({ model: 'gpt-r', input: 'ping', store: false });
        return generations(orgA).length > servedByA;
      },
      { what: 'organisation A preferred again' },
    );
  });

  it('should find the organisation holding a response this replica has not seen', async () => {
    // Stored at B directly: as if another replica had served the first turn.
    const direct = new OpenAI({ apiKey: 'sk-org-b', baseURL: `${orgB.url}/v1`, maxRetries: 0 });
    const first = await direct.responses.create({ model: 'gpt-r', input: 'Say hello.' });

    const second = await client.responses.create({
      model: 'gpt-r',
      input: 'Say it again.',
      previous_response_id: first.id,
    });

    expect(second.previous_response_id).toBe(first.id);
    // A, first in line, did not hold it and was passed over; B did.
    expect(generations(orgA)).toHaveLength(1);
    expect(generations(orgB).at(-1)?.body).toMatchObject({ previous_response_id: first.id });
  });

  it("should relay OpenAI's own not-found when no organisation holds the response", async () => {
    const continued = client.responses.create({
      model: 'gpt-r',
      input: 'Say it again.',
      previous_response_id: 'resp_nobody_stored',
    });

    await expect(continued).rejects.toMatchObject({
      status: 400,
      code: 'previous_response_not_found',
    });
    expect(generations(orgA)).toHaveLength(1);
    expect(generations(orgB)).toHaveLength(1);
  });

  it('should say what to do when the channel that stored a response can no longer serve', async () => {
    const first = await client.responses.create({ model: 'gpt-r', input: 'Say hello.' });
    expect(generations(orgA)).toHaveLength(1);
    await relay.admin('PATCH', `/channels/${channelIds['org-a']}`, { enabled: false });
    await waitFor(
      async () => {
        await client.responses.create({ model: 'gpt-r', input: 'ping', store: false });
        return generations(orgB).length > 0;
      },
      { what: 'organisation A out of rotation' },
    );

    const continued = client.responses.create({
      model: 'gpt-r',
      input: 'Say it again.',
      previous_response_id: first.id,
    });

    await expect(continued).rejects.toMatchObject({
      status: 400,
      code: 'stored_state_unavailable',
      message: expect.stringContaining(`'${first.id}' was stored by a channel that cannot serve`),
    });
    expect(generations(orgB).some((r) => JSON.stringify(r.body).includes(first.id))).toBe(false);
    await relay.admin('PATCH', `/channels/${channelIds['org-a']}`, { enabled: true });
  });

  it('should refuse to continue a stored response on a translated channel, saying what to do', async () => {
    const continued = client.responses.create({
      model: 'claude-r',
      input: 'Say it again.',
      previous_response_id: 'resp_stored_at_openai',
    });

    await expect(continued).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: expect.stringContaining("send the whole conversation in 'input'"),
    });
  });
});
