import {
  ResponsesStreamRelay,
  buildUpstreamResponsesBody,
  storedIdsFromResponse,
  storedReferences,
} from './passthrough';

describe('the Responses pass-through', () => {
  it('should send the body as it came, with only the model mapped and the gateway extensions removed', () => {
    const body = {
      model: 'mine',
      input: 'hi',
      tools: [{ type: 'namespace', name: 'ns', tools: [] }, { type: 'web_search' }],
      client_metadata: { a: '1' },
      fallbacks: ['other'],
    };
    expect(JSON.parse(buildUpstreamResponsesBody(body, 'gpt-5'))).toEqual({
      model: 'gpt-5',
      input: 'hi',
      tools: body.tools,
      client_metadata: { a: '1' },
    });
  });

  it('should read what an answer stored: the response and its output items', () => {
    expect(
      storedIdsFromResponse({
        id: 'resp_1',
        output: [{ id: 'rs_1', type: 'reasoning' }, { id: 'msg_1' }, { type: 'x' }],
      }),
    ).toEqual(['resp_1', 'rs_1', 'msg_1']);
    expect(storedIdsFromResponse({ output: [] })).toEqual([]);
    expect(storedIdsFromResponse('no')).toEqual([]);
  });

  it('should read the stored state a request names', () => {
    expect(
      storedReferences({
        previous_response_id: 'resp_1',
        input: [
          { type: 'item_reference', id: 'msg_1' },
          { role: 'user', content: 'hi', id: 'not-a-reference' },
        ],
      }),
    ).toEqual(['resp_1', 'msg_1']);
    expect(storedReferences({ input: 'hi' })).toEqual([]);
  });

  it('should relay a stream untouched and read its usage and stored ids from the terminal event', () => {
    const relay = new ResponsesStreamRelay();
    const created = JSON.stringify({ type: 'response.created', response: { id: 'resp_1' } });
    expect(relay.push('response.created', created)).toBe(
      `event: response.created\ndata: ${created}\n\n`,
    );
    expect(relay.complete).toBe(false);
    relay.push(
      'response.completed',
      JSON.stringify({
        type: 'response.completed',
        response: {
          id: 'resp_1',
          output: [{ id: 'msg_1' }],
          usage: { input_tokens: 5, output_tokens: 2 },
        },
      }),
    );
    expect(relay.complete).toBe(true);
    expect(relay.usage).toMatchObject({ inputTokens: 5, outputTokens: 2 });
    expect(relay.storedIds).toEqual(['resp_1', 'msg_1']);
  });
});
