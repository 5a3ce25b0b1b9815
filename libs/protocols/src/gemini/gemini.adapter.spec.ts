// The adapter object wires the codecs the ingress calls; these check the wiring itself.
import { gemini } from './gemini.adapter';

const body = { contents: [{ parts: [{ text: 'hi' }] }] };

describe('gemini adapter', () => {
  it('is the gemini format and authenticates with x-goog-api-key', () => {
    expect(gemini.format).toBe('gemini');
    expect(gemini.upstream.authHeaders('AIza-test')).toEqual({ 'x-goog-api-key': 'AIza-test' });
  });

  it('takes the model from the URL and streaming from the method', () => {
    // The method takes the URL's streaming as a third argument, which the interface does not declare yet.
    const parse: (
      body: unknown,
      urlModel: string | null,
      urlStream?: boolean,
    ) => ReturnType<typeof gemini.client.parseRequest> = gemini.client.parseRequest;
    const streamed = parse(body, 'gemini-2.5-flash', true);
    const plain = parse(body, 'gemini-2.5-flash');
    expect(streamed.ok && streamed.request).toMatchObject({
      model: 'gemini-2.5-flash',
      stream: true,
    });
    expect(plain.ok && plain.request.stream).toBe(false);
  });

  it('answers an invalid body with a Gemini 400', () => {
    expect(gemini.client.parseRequest({ contents: [] }, 'm')).toEqual({
      ok: false,
      error: expect.objectContaining({ status: 400, type: 'INVALID_ARGUMENT', param: 'contents' }),
    });
  });

  it.each([
    [true, 'text/event-stream'],
    [false, 'application/json'],
  ])('streams with sse=%s as %s', (sse, contentType) => {
    expect(gemini.client.streamContentType({ requestId: 'r', sse, model: 'm' })).toBe(contentType);
  });

  it('builds upstream and pass-through requests on the same paths', () => {
    const parsed = gemini.client.parseRequest(body, 'public');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(gemini.upstream.buildRequest(parsed.request, 'gemini-2.5-pro').path).toBe(
      gemini.passThrough.buildRequest(body, 'gemini-2.5-pro', false).path,
    );
  });
});
