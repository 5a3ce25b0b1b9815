import { Channel } from './channel.entity';
import { toSnapshotChannel } from './channel-view';

const stored = (variantSuffixes: Channel['variantSuffixes']): Channel => ({
  id: 'c1',
  name: 'claude',
  type: 'anthropic',
  baseUrl: 'http://127.0.0.1:9',
  keysEncrypted: ['sealed'],
  keyHints: ['sk-…abcd'],
  models: ['claude-sonnet-4-6'],
  modelMapping: {},
  variantSuffixes,
  bodyOverride: {},
  groups: ['default'],
  priority: 0,
  weight: 1,
  enabled: true,
  timeoutMs: 1_000,
  headers: {},
  secretHeaders: {},
  responsesApi: false,
  hostedTools: 'drop',
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

describe('toSnapshotChannel', () => {
  it("should carry the channel's own variant suffixes, then the gateway-wide ones, each once", () => {
    expect(toSnapshotChannel(stored(['-thinking'])).variant_suffixes).toEqual(['-thinking']);
    expect(
      toSnapshotChannel(stored(['-thinking']), ['-high', '-thinking']).variant_suffixes,
    ).toEqual(['-thinking', '-high']);
    expect(toSnapshotChannel(stored([]), ['-low']).variant_suffixes).toEqual(['-low']);
  });
});
