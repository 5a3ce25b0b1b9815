// The error event that ends an OpenAI Chat stream, as the openai SDKs read it.
import { openAIStreamErrorEvent } from './errors';

describe('openAIStreamErrorEvent', () => {
  it('is one SSE event whose data is an OpenAI error object', () => {
    const event = openAIStreamErrorEvent('upstream timed out', 'server_error', 'upstream_timeout');
    expect(event).toBe(
      'data: {"error":{"message":"upstream timed out","type":"server_error","code":"upstream_timeout","param":null}}\n\n',
    );
  });

  it('defaults the code to null', () => {
    const event = openAIStreamErrorEvent('boom', 'server_error');
    expect(JSON.parse(event.slice('data: '.length))).toEqual({
      error: { message: 'boom', type: 'server_error', code: null, param: null },
    });
  });
});
