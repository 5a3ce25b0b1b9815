import { anthropicMessages } from '../anthropic-messages/anthropic-messages.adapter';
import { gemini } from '../gemini/gemini.adapter';
import { openAIResponses } from '../openai-responses/openai-responses.adapter';
import type { HubRequest, HubResponse } from './hub.types';
import {
  GEMINI_PLACEHOLDER_SIGNATURES,
  clientSignature,
  readClientSignature,
  signatureFor,
} from './thought-signature';

const claude = { issuer: 'anthropic', value: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3h' } as const;

describe('thought signatures', () => {
  it('hands a client its own provider’s signature bare, and reads a bare one back as that provider’s', () => {
    expect(clientSignature(claude, 'anthropic')).toBe(claude.value);
    expect(readClientSignature(claude.value, 'anthropic')).toEqual({
      signature: claude,
      thinking: null,
    });
  });

  it('relays another provider’s signature as base64 (Gemini’s field is bytes) naming its issuer and text', () => {
    const relayed = clientSignature(claude, 'gemini', 'Need the tool.');
    expect(relayed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(readClientSignature(relayed, 'gemini')).toEqual({
      signature: claude,
      thinking: 'Need the tool.',
    });
  });

  it.each(GEMINI_PLACEHOLDER_SIGNATURES)('reads the placeholder %s as no signature at all', (p) => {
    expect(readClientSignature(p, 'gemini')).toBeNull();
    expect(readClientSignature(p, 'anthropic')).toBeNull();
  });

  it('reads empty strings and relayed strings that do not decode as no signature', () => {
    expect(readClientSignature('', 'anthropic')).toBeNull();
    const relayed = clientSignature(claude, 'gemini');
    expect(readClientSignature(relayed.slice(0, 30), 'gemini')).toBeNull();
  });

  it('gives an upstream only its own provider’s signatures', () => {
    expect(signatureFor(claude, 'anthropic')).toBe(claude.value);
    expect(signatureFor(claude, 'gemini')).toBeNull();
    expect(signatureFor(null, 'anthropic')).toBeNull();
  });
});

/** The body relaymesh would send Anthropic for a Gemini client's request. */
function anthropicBodyFor(geminiBody: unknown): Record<string, unknown> {
  const parsed = gemini.client.parseRequest(geminiBody, 'gemini-public');
  if (!parsed.ok) throw new Error(parsed.error.message);
  const request: HubRequest = parsed.request;
  return JSON.parse(
    anthropicMessages.upstream.buildRequest(request, 'claude-upstream').body,
  ) as Record<string, unknown>;
}

describe('a Gemini client’s tool turn on an Anthropic channel (Gemini CLI)', () => {
  const answer: HubResponse = {
    id: 'msg_1',
    model: 'claude-upstream',
    content: [
      { type: 'thinking', text: 'Need the tool.', signature: claude },
      {
        type: 'tool_call',
        id: 'toolu_1',
        name: 'run_shell_command',
        arguments: '{"command":"ls"}',
      },
    ],
    stopReason: 'tool_use',
    stopSequence: null,
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
  };
  const ctx = { requestId: 'req_1', sse: false, model: 'gemini-public' };
  const question = { role: 'user', parts: [{ text: 'list files' }] };
  const result = {
    role: 'user',
    parts: [{ functionResponse: { name: 'run_shell_command', response: { output: 'a.txt' } } }],
  };
  const config = { generationConfig: { thinkingConfig: { thinkingBudget: 2048 } } };

  it('gets the signature on the functionCall, and Claude gets its signed thinking back without the thought part', () => {
    const rendered = gemini.client.renderResponse(answer, ctx) as {
      candidates: { content: { parts: Record<string, unknown>[] } }[];
    };
    const parts = rendered.candidates[0].content.parts;
    expect(parts[0]).toEqual({ text: 'Need the tool.', thought: true });
    expect(parts[1]).toMatchObject({ functionCall: { name: 'run_shell_command' } });
    expect(typeof parts[1].thoughtSignature).toBe('string');

    // Gemini CLI keeps the call (with its signature) and drops the thought part.
    const body = anthropicBodyFor({
      contents: [question, { role: 'model', parts: [parts[1]] }, result],
      ...config,
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'list files' }] },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Need the tool.', signature: claude.value },
          {
            type: 'tool_use',
            id: expect.any(String) as string,
            name: 'run_shell_command',
            input: { command: 'ls' },
          },
        ],
      },
      expect.objectContaining({ role: 'user' }),
    ]);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  });

  it.each(GEMINI_PLACEHOLDER_SIGNATURES)(
    'never sends Claude the placeholder %s: the block is dropped and thinking is off for that turn',
    (placeholder) => {
      const body = anthropicBodyFor({
        contents: [
          question,
          {
            role: 'model',
            parts: [
              {
                functionCall: { name: 'run_shell_command', args: { command: 'ls' } },
                thoughtSignature: placeholder,
              },
            ],
          },
          result,
        ],
        ...config,
      });
      expect(JSON.stringify(body)).not.toContain(placeholder);
      expect(
        (body.messages as { content: { type: string }[] }[])[1].content.map((b) => b.type),
      ).toEqual(['tool_use']);
      // The API refuses thinking on when the last tool turn has no thinking block.
      expect(body.thinking).toBeUndefined();
    },
  );

  it('drops a bare signature (Gemini’s own, or anyone’s) rather than passing it to Claude as Claude’s', () => {
    const body = anthropicBodyFor({
      contents: [
        question,
        {
          role: 'model',
          parts: [
            { text: 'hmm', thought: true },
            { functionCall: { name: 'run_shell_command', args: {} }, thoughtSignature: 'c2lnbmVk' },
          ],
        },
        result,
      ],
    });
    expect(JSON.stringify(body)).not.toContain('c2lnbmVk');
  });
});

describe('reasoning across OpenAI Responses (Codex, store: false)', () => {
  it('relays Claude’s signature in encrypted_content and gives it back to Claude, not to Gemini', () => {
    const rendered = openAIResponses.client.renderResponse(
      {
        id: 'msg_1',
        model: 'claude',
        content: [
          { type: 'thinking', text: 'Plan.', signature: claude },
          { type: 'tool_call', id: 'toolu_1', name: 'shell', arguments: '{}' },
        ],
        stopReason: 'tool_use',
        stopSequence: null,
        usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
      { requestId: 'req_1', sse: false, model: 'gpt-5-codex' },
    ) as { output: Record<string, unknown>[] };
    const [reasoning, call] = rendered.output;
    const parsed = openAIResponses.client.parseRequest(
      {
        model: 'gpt-5-codex',
        store: false,
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'go' }] },
          // Codex sends reasoning back by its summary and encrypted content.
          {
            type: 'reasoning',
            summary: reasoning.summary,
            encrypted_content: reasoning.encrypted_content,
          },
          { type: 'function_call', call_id: call.call_id, name: 'shell', arguments: '{}' },
          { type: 'function_call_output', call_id: call.call_id, output: 'ok' },
        ],
      },
      null,
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const toClaude = anthropicMessages.upstream.buildRequest(parsed.request, 'claude').body;
    expect(toClaude).toContain(`"signature":"${claude.value}"`);
    const toGemini = gemini.upstream.buildRequest(parsed.request, 'gemini-3-pro-preview').body;
    expect(toGemini).not.toContain(claude.value);
    expect(toGemini).toContain('skip_thought_signature_validator');
  });
});
