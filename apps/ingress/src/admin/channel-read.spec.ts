import { ChannelHealth, ChannelView, UNKNOWN_HEALTH } from '@relaymesh/contracts';
import { channelAnswerWithHealth } from './channel-read';

const view = (id: string, status: ChannelView['status'] = 'enabled'): ChannelView => ({
  id,
  name: id,
  type: 'openai',
  base_url: 'http://127.0.0.1:9',
  keys: ['sk-…abcd'],
  models: ['m'],
  model_mapping: {},
  variant_suffixes: [],
  body_override: {},
  groups: ['default'],
  priority: 0,
  weight: 1,
  enabled: status !== 'manually_disabled',
  timeout_ms: 1_000,
  headers: {},
  secret_headers: {},
  responses_api: false,
  hosted_tools: 'drop',
  status,
  health: UNKNOWN_HEALTH,
  created_at: new Date(0).toISOString(),
  updated_at: new Date(0).toISOString(),
});

const ejected: ChannelHealth = {
  ...UNKNOWN_HEALTH,
  state: 'ejected',
  reason: '5 consecutive failures',
};
const reports = new Map([['a', { health: ejected, weight_factor: 1 }]]);

describe('a channel read back: the router’s configuration, the prober’s health', () => {
  it('should show the prober’s health and the status it implies on one channel', () => {
    expect(channelAnswerWithHealth({ status: 200, body: view('a') }, reports).body).toMatchObject({
      status: 'auto_disabled',
      health: ejected,
    });
  });

  it('should apply it to every channel of a list, unknown where the prober has no word', () => {
    const answer = channelAnswerWithHealth(
      { status: 200, body: { data: [view('a'), view('b'), view('c', 'manually_disabled')] } },
      new Map([...reports, ['c', { health: ejected, weight_factor: 1 }]]),
    );

    expect(
      (answer.body as { data: ChannelView[] }).data.map((c) => [c.status, c.health.state]),
    ).toEqual([
      ['auto_disabled', 'ejected'],
      ['enabled', 'unknown'],
      ['manually_disabled', 'ejected'],
    ]);
  });

  it('should pass an error answer as it is', () => {
    const notFound = { status: 404, body: { error: { message: 'channel a not found' } } };
    expect(channelAnswerWithHealth(notFound, reports)).toBe(notFound);
  });
});
