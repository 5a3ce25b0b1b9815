import { RequestTrace, startTrace } from '../http/request-trace';
import { genAiObservation } from './gen-ai-observation';

function trace(overrides: Partial<RequestTrace>): RequestTrace {
  return {
    ...startTrace('req-1', 'chat_completions', 'openai', {}),
    startedAt: 1_000,
    ...overrides,
  };
}

const served: Partial<RequestTrace> = {
  model: 'fast',
  attempts: 1,
  channel: { id: 'ch-1', name: 'main', type: 'gemini' },
  upstreamModel: 'gemini-2.5-flash',
  status: 200,
};

describe('genAiObservation', () => {
  it('should name operation, provider and model of a served request, with its duration', () => {
    const observation = genAiObservation(trace(served), 3_500)!;
    expect(observation.labels).toEqual({
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'gcp.gemini',
      gen_ai_request_model: 'fast',
    });
    expect(observation.errorType).toBe('');
    expect(observation.durationSeconds).toBe(2.5);
    expect(observation.timeToFirstTokenSeconds).toBeNull();
  });

  it('should give a successful stream its time to first token', () => {
    const observation = genAiObservation(
      trace({ ...served, stream: true, firstByteAt: 1_250 }),
      4_000,
    )!;
    expect(observation.timeToFirstTokenSeconds).toBe(0.25);
  });

  it('should give no time to first token to a failed stream', () => {
    const observation = genAiObservation(
      trace({ ...served, stream: true, firstByteAt: 1_250, status: 502 }),
      4_000,
    )!;
    expect(observation.timeToFirstTokenSeconds).toBeNull();
    expect(observation.errorType).toBe('502');
  });

  it('should name a late error by its class although the status stayed 200', () => {
    const observation = genAiObservation(
      trace({ ...served, stream: true, firstByteAt: 1_100, lateError: 'reset' }),
      2_000,
    )!;
    expect(observation.errorType).toBe('reset');
  });

  it('should report the tokens the upstream reported, with the upstream model', () => {
    const observation = genAiObservation(
      trace({
        ...served,
        usage: { inputTokens: 12, outputTokens: 34, cacheReadTokens: 0, cacheWriteTokens: 0 },
      }),
      2_000,
    )!;
    expect(observation.tokens).toEqual({
      input: 12,
      output: 34,
      responseModel: 'gemini-2.5-flash',
    });
  });

  it('should not name the model of a request no channel was tried for (it may be anything typed)', () => {
    const observation = genAiObservation(
      trace({ model: 'whatever-a-client-typed', status: 404 }),
      2_000,
    )!;
    expect(observation.labels.gen_ai_request_model).toBe('');
    expect(observation.labels.gen_ai_provider_name).toBe('');
    expect(observation.errorType).toBe('404');
    expect(observation.tokens).toBeNull();
  });

  it.each([
    ['messages', 'chat'],
    ['responses', 'chat'],
    ['generate_content', 'generate_content'],
    ['embeddings', 'embeddings'],
    ['embed_content', 'embeddings'],
  ])('should map route %s to operation %s', (route, operation) => {
    const observation = genAiObservation({ ...trace(served), route }, 2_000)!;
    expect(observation.labels.gen_ai_operation_name).toBe(operation);
  });

  it('should observe nothing for token counting', () => {
    expect(genAiObservation({ ...trace(served), route: 'count_tokens' }, 2_000)).toBeNull();
  });
});
