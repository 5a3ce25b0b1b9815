import { DeclarativeConfigError, parseDeclarativeConfig } from './declarative-config';

const yaml = `
channels:
  - name: openai-main
    type: openai
    base_url: https://api.openai.com/v1
    keys: ["\${OPENAI_KEY}"]
    models: [gpt-5-mini]
keys:
  - name: team-a
    key: sk-team-a-0123456789abcdef
    credit_usd: 10
`;

describe('parseDeclarativeConfig', () => {
  it('should apply defaults, normalise base_url and interpolate the environment', () => {
    const config = parseDeclarativeConfig(yaml, { OPENAI_KEY: 'sk-real' });
    expect(config.channels[0]).toMatchObject({
      base_url: 'https://api.openai.com',
      keys: ['sk-real'],
      groups: ['default'],
      priority: 0,
      weight: 1,
      enabled: true,
    });
    expect(config.keys[0]).toMatchObject({ name: 'team-a', group: 'default', credit_usd: 10 });
  });

  it('should refuse a missing variable, an unknown field and duplicate names', () => {
    expect(() => parseDeclarativeConfig(yaml, {})).toThrow(/OPENAI_KEY is not set/);
    expect(() =>
      parseDeclarativeConfig('channels: [{name: a, type: mock, colour: red}]', {}),
    ).toThrow(DeclarativeConfigError);
    expect(() =>
      parseDeclarativeConfig('channels: [{name: a, type: mock}, {name: a, type: mock}]', {}),
    ).toThrow(/appears twice/);
  });

  it('should accept an empty file', () => {
    expect(parseDeclarativeConfig('', {})).toEqual({ channels: [], keys: [], models: [] });
  });

  it('should read model prices with the default cache multipliers, refusing a model priced twice', () => {
    const config = parseDeclarativeConfig(
      'models: [{model: gpt-5-mini, input_usd_per_mtok: 0.25, output_usd_per_mtok: 2}]',
      {},
    );

    expect(config.models).toEqual([
      {
        model: 'gpt-5-mini',
        input_usd_per_mtok: 0.25,
        output_usd_per_mtok: 2,
        cache_read_multiplier: 0.1,
        cache_write_multiplier: 1.25,
      },
    ]);
    expect(() =>
      parseDeclarativeConfig(
        'models: [{model: m, input_usd_per_mtok: 1, output_usd_per_mtok: 1}, {model: m, input_usd_per_mtok: 2, output_usd_per_mtok: 2}]',
        {},
      ),
    ).toThrow(/models name 'm' appears twice/);
  });
});
