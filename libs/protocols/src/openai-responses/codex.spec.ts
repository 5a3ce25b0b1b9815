// Codex CLI through translation: its first request (the shape Codex builds: developer and user messages,
// function tools, a `namespace` group, a free-form `apply_patch`, the hosted `web_search`, `include`,
// `prompt_cache_key`, `store: false`, `reasoning`, `text.verbosity`) reaches every upstream format, and its
// calls come back the way Codex named them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anthropicMessages } from '../anthropic-messages/anthropic-messages.adapter';
import { gemini } from '../gemini/gemini.adapter';
import { hostedToolsFor } from '../hub/hosted-tools';
import type { HubRequest, HubResponse, HubStreamEvent } from '../hub/hub.types';
import { openAIChat } from '../openai-chat/openai-chat.adapter';
import { openAIResponses } from './openai-responses.adapter';

const codexRequest = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'codex-first-request.json'), 'utf8'),
) as Record<string, unknown>;

function toHub(body: Record<string, unknown>): HubRequest {
  const parsed = openAIResponses.client.parseRequest(body, null);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.request;
}

describe("Codex CLI's first request", () => {
  const hub = toHub(codexRequest);

  it('is accepted: namespace functions flattened, apply_patch a function of one input, web_search hosted', () => {
    expect(hub.tools.map((t) => t.name)).toEqual([
      'exec_command',
      'write_stdin',
      'update_plan',
      'apply_patch',
      'view_image',
      'multi_agent_v1__spawn_agent',
      'multi_agent_v1__wait_agent',
    ]);
    expect(hub.tools[5].origin).toEqual({
      namespace: 'multi_agent_v1',
      name: 'spawn_agent',
      freeform: false,
    });
    const patch = hub.tools[3];
    expect(patch.origin).toEqual({ namespace: null, name: 'apply_patch', freeform: true });
    expect(patch.parameters).toMatchObject({ required: ['input'] });
    expect(patch.description).toContain('start: begin_patch hunk+ end_patch');
    expect(hub.hostedTools).toEqual([
      {
        type: 'web_search',
        kind: 'web_search',
        config: { type: 'web_search', external_web_access: false },
      },
    ]);
    expect(hub).toMatchObject({
      toolChoice: 'auto',
      parallelToolCalls: true,
      reasoning: { effort: 'medium' },
      stream: true,
    });
  });

  it('reaches Anthropic with its functions and Anthropic’s own web search', () => {
    const body = JSON.parse(
      anthropicMessages.upstream.buildRequest(hub, 'claude-sonnet-4-5').body,
    ) as {
      tools: { name: string; type?: string }[];
    };
    expect(body.tools[0]).toEqual({ type: 'web_search_20250305', name: 'web_search' });
    expect(body.tools.map((t) => t.name)).toContain('multi_agent_v1__spawn_agent');
    expect(hostedToolsFor(hub, 'anthropic', 'claude-sonnet-4-5').dropped).toEqual([]);
  });

  it('reaches Gemini 3 with Google Search beside its functions; before 3 (which refuses the mix) drops it', () => {
    const three = JSON.parse(gemini.upstream.buildRequest(hub, 'gemini-3-pro-preview').body) as {
      tools: Record<string, unknown>[];
    };
    expect(three.tools).toEqual([
      { functionDeclarations: expect.any(Array) as unknown[] },
      { googleSearch: {} },
    ]);
    const two = JSON.parse(gemini.upstream.buildRequest(hub, 'gemini-2.5-pro').body) as {
      tools: Record<string, unknown>[];
    };
    expect(two.tools).toHaveLength(1);
    expect(hostedToolsFor(hub, 'gemini', 'gemini-2.5-pro').dropped).toEqual(['web_search']);
  });

  it('reaches an OpenAI Chat upstream with its functions, web search dropped and named', () => {
    const body = JSON.parse(openAIChat.upstream.buildRequest(hub, 'gpt-5').body) as {
      tools: { function: { name: string } }[];
    };
    expect(body.tools.map((t) => t.function.name)).toContain('multi_agent_v1__wait_agent');
    expect(JSON.stringify(body)).not.toContain('web_search');
    expect(hostedToolsFor(hub, 'openai-chat', 'gpt-5').dropped).toEqual(['web_search']);
  });

  it('keeps every hosted tool for a Responses upstream, as Codex declared it', () => {
    const body = JSON.parse(openAIResponses.upstream.buildRequest(hub, 'gpt-5-codex').body) as {
      tools: Record<string, unknown>[];
    };
    expect(body.tools).toContainEqual({ type: 'web_search', external_web_access: false });
  });

  it('drops hosted tools no other provider has, and names them', () => {
    const more = toHub({
      ...codexRequest,
      tools: [
        { type: 'image_generation' },
        { type: 'code_interpreter', container: { type: 'auto' } },
        { type: 'local_shell' },
      ],
    });
    expect(hostedToolsFor(more, 'anthropic', 'claude').dropped).toEqual([
      'image_generation',
      'code_interpreter',
      'local_shell',
    ]);
    expect(anthropicMessages.upstream.buildRequest(more, 'claude').body).not.toContain('"tools"');
  });
});

describe('Codex calls go back the way Codex named them', () => {
  const hub = toHub(codexRequest);
  const ctx = { requestId: 'req_1', sse: true, model: 'claude-public', clientTools: hub.tools };
  const answer: HubResponse = {
    id: 'msg_1',
    model: 'claude',
    content: [
      {
        type: 'tool_call',
        id: 'toolu_1',
        name: 'multi_agent_v1__spawn_agent',
        arguments: '{"message":"review"}',
      },
      {
        type: 'tool_call',
        id: 'toolu_2',
        name: 'apply_patch',
        arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch\n' }),
      },
      { type: 'tool_call', id: 'toolu_3', name: 'exec_command', arguments: '{"cmd":"ls"}' },
    ],
    stopReason: 'tool_use',
    stopSequence: null,
    usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
  };
  const expected = [
    {
      type: 'function_call',
      call_id: 'toolu_1',
      name: 'spawn_agent',
      namespace: 'multi_agent_v1',
      arguments: '{"message":"review"}',
    },
    {
      type: 'custom_tool_call',
      call_id: 'toolu_2',
      name: 'apply_patch',
      input: '*** Begin Patch\n*** End Patch\n',
    },
    { type: 'function_call', call_id: 'toolu_3', name: 'exec_command', arguments: '{"cmd":"ls"}' },
  ];

  it('in a response', () => {
    const rendered = openAIResponses.client.renderResponse(answer, ctx) as {
      output: Record<string, unknown>[];
    };
    expect(rendered.output).toEqual(
      expected.map((item) => expect.objectContaining(item) as unknown),
    );
    expect(rendered.output[2]).not.toHaveProperty('namespace');
  });

  it('in a stream: namespaced arguments as deltas, a custom tool’s input whole once complete', () => {
    const encoder = openAIResponses.client.streamEncoder(ctx);
    const events: HubStreamEvent[] = [{ type: 'start', id: 'msg_1', model: 'claude' }];
    answer.content.forEach((part, index) => {
      if (part.type !== 'tool_call') return;
      events.push(
        { type: 'block_start', index, block: { type: 'tool_call', id: part.id, name: part.name } },
        { type: 'tool_arguments_delta', index, json: part.arguments },
        { type: 'block_stop', index },
      );
    });
    events.push({ type: 'finish', stopReason: 'tool_use', stopSequence: null });
    const wire = events.map((e) => encoder.encode(e)).join('') + encoder.end();
    const sent = wire
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)) as Record<string, unknown>);
    const types = sent.map((e) => e.type);
    expect(types).toContain('response.custom_tool_call_input.done');
    expect(sent.find((e) => e.type === 'response.custom_tool_call_input.delta')).toMatchObject({
      delta: '*** Begin Patch\n*** End Patch\n',
    });
    const completed = sent.find((e) => e.type === 'response.completed') as {
      response: { output: Record<string, unknown>[] };
    };
    expect(completed.response.output).toEqual(
      expected.map((item) => expect.objectContaining(item) as unknown),
    );
  });

  it('and Codex’s replay of them reads back to the hub calls', () => {
    const replay = toHub({
      ...codexRequest,
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
        { type: 'reasoning', summary: [], encrypted_content: 'gAAAAABopaque' },
        ...expected,
        { type: 'function_call_output', call_id: 'toolu_1', output: 'agent-1' },
        { type: 'custom_tool_call_output', call_id: 'toolu_2', output: 'Done!' },
        { type: 'function_call_output', call_id: 'toolu_3', output: 'README.md' },
        { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search' } },
      ],
    });
    const assistant = replay.messages[1];
    expect(assistant.content.filter((p) => p.type === 'tool_call')).toEqual(
      answer.content.map((p) => ({ ...p })),
    );
    expect(replay.messages[2].content.map((p) => p.type === 'tool_result' && p.toolCallId)).toEqual(
      ['toolu_1', 'toolu_2', 'toolu_3'],
    );
  });
});
