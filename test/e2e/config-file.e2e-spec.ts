// The declarative config file: channels and keys declared in YAML are routable at start, with `${VAR}`
// taken from the environment, and a second start on the same data applies it again without duplicates.
import { FakeOpenAI, startDeployment } from '@relaymesh/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

describe('config file (embedded)', () => {
  let upstream: FakeOpenAI;
  let dir: string;

  beforeAll(async () => {
    upstream = await FakeOpenAI.start();
    dir = mkdtempSync(join(tmpdir(), 'relaymesh-config-'));
  });

  afterAll(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should make declared channels and keys routable at start, idempotently across restarts', async () => {
    const file = join(dir, 'relaymesh.yaml');
    writeFileSync(
      file,
      [
        'channels:',
        '  - name: from-file',
        '    type: openai',
        `    base_url: ${upstream.url}/v1`,
        '    keys: ["${UPSTREAM_KEY}"]',
        '    models: [gpt-5-mini]',
        '    model_mapping: { fast: gpt-5-mini }',
        'keys:',
        '  - name: file-team',
        '    key: "${TEAM_KEY}"',
      ].join('\n'),
    );
    const env = {
      RELAYMESH_CONFIG: file,
      UPSTREAM_KEY: 'sk-upstream-from-env',
      TEAM_KEY: 'sk-team-chosen-by-operator-0001',
      RELAYMESH_DATA_DIR: join(dir, 'data'),
    };
    for (let start = 0; start < 2; start++) {
      const relay = await startDeployment('embedded', { env });
      try {
        const client = new OpenAI({
          apiKey: env.TEAM_KEY,
          baseURL: `${relay.url}/v1`,
          maxRetries: 0,
        });
        const completion = await client.chat.completions.create({
          model: 'fast',
          messages: [{ role: 'user', content: 'from the file' }],
        });
        expect(completion.choices[0].message.content).toContain('from the file');
        expect(upstream.lastRequest()!.headers['authorization']).toBe(
          'Bearer sk-upstream-from-env',
        );
        const channels = await relay.admin<{ data: { name: string }[] }>('GET', '/channels');
        const keys = await relay.admin<{ data: { name: string }[] }>('GET', '/keys');
        expect(channels.body.data.map((c) => c.name)).toEqual(['from-file']);
        expect(keys.body.data.map((k) => k.name)).toEqual(['file-team']);
        // Secrets never come back: neither the upstream key nor the client key.
        expect(JSON.stringify(channels.body)).not.toContain('sk-upstream-from-env');
        expect(JSON.stringify(keys.body)).not.toContain(env.TEAM_KEY);
      } finally {
        await relay.stop();
      }
    }
  });
});
