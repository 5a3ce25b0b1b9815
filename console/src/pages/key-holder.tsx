// The key holder's page (/console/key): signed in with a client key (a session of its own, which opens only
// /console/api/key/*), it shows that key's balance, limits and models with prices, its own usage and requests,
// and setup snippets for the SDKs and CLIs with this gateway's address filled in. The key itself is sent once,
// to sign in, and then forgotten: the snippets read it from an environment variable.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { StackedBars } from '../chart';
import { budget, count, dateTime, usd } from '../format';
import type { KeyModel, KeySessionInfo, List, OwnKey, UsageRecord, UsageSummary } from '../types';
import { RecordsTable } from '../records-table';
import { Field, Loading, SignInCard, Stat, useResource } from '../ui';
import { chartData } from '../usage-data';
import { METRICS, RANGES, type Range, query, rangeSince, tickOf } from './usage';

const REFRESH_MS = 5_000;

export function KeyHolder() {
  const [session, setSession] = useState<KeySessionInfo | null | undefined>(undefined);
  useEffect(() => {
    void api<KeySessionInfo>('GET', '/console/api/key/session').then((result) =>
      setSession(result.ok ? result.body : null),
    );
  }, []);
  if (session === undefined) return <p class="muted boot">Loading…</p>;
  if (session === null) return <KeySignIn onSignedIn={setSession} />;
  return (
    <>
      <header class="top">
        <a class="brand" href="/console/key">
          relaymesh
        </a>
        <span class="muted">Your API key: {session.name}</span>
        <div class="who">
          <button
            type="button"
            class="ghost"
            onClick={() => {
              void api('DELETE', '/console/api/key/session').then(() => setSession(null));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main class="page">
        <KeyPage onSignedOut={() => setSession(null)} />
      </main>
    </>
  );
}

function KeySignIn(props: { onSignedIn: (session: KeySessionInfo) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <SignInCard
      title="Your API key"
      intro="Sign in with your relaymesh API key to see its balance, usage and how to set up your tools."
      label="API key"
      name="api-key"
      secret={key}
      onSecret={setKey}
      error={error}
      busy={busy}
      onSubmit={() => {
        setBusy(true);
        void api<{ key_id: string }>('POST', '/console/api/key/session', { key }).then(
          async (result) => {
            setBusy(false);
            if (!result.ok) {
              setError(result.error.message);
              return;
            }
            setKey('');
            const session = await api<KeySessionInfo>('GET', '/console/api/key/session');
            if (session.ok) props.onSignedIn(session.body);
            else setError(session.error.message);
          },
        );
      }}
    />
  );
}

function KeyPage(props: { onSignedOut: () => void }) {
  const [range, setRange] = useState<Range>('24h');
  const { interval } = RANGES[range];
  const since = rangeSince(range, Date.now());
  const key = useResource<OwnKey>('/console/api/key', REFRESH_MS);
  const models = useResource<List<KeyModel>>('/console/api/key/models');
  const summary = useResource<UsageSummary>(
    `/console/api/key/usage/summary${query({ group_by: 'model', interval, since })}`,
    REFRESH_MS,
  );
  const records = useResource<List<UsageRecord>>(
    `/console/api/key/usage${query({ since, limit: '50' })}`,
    REFRESH_MS,
  );
  const ended = [key, summary, records].some(
    (r) => r.error && /signed in|no longer/i.test(r.error.message),
  );
  useEffect(() => {
    if (ended) props.onSignedOut();
  }, [ended]);

  const own = key.data;
  return (
    <section>
      <div class="page-head">
        <h1>{own ? own.name : 'Your key'}</h1>
        {own ? <span class="mono">{own.key_hint}</span> : null}
      </div>
      {!own ? (
        <Loading error={key.error} />
      ) : (
        <dl class="stats" data-testid="key-balance">
          <Stat label="Balance" stat="remaining">
            {own.unlimited ? 'unlimited' : usd(own.remaining_usd)}
          </Stat>
          <Stat label="Spent" stat="used">
            {usd(own.used_usd)}
          </Stat>
          <Stat label="Credit granted" stat="credit">
            {own.unlimited ? '—' : usd(own.credit_usd)}
          </Stat>
          {own.budget_usd !== null ? (
            <Stat label={`Budget per ${own.budget_period ?? 'period'}`} stat="budget">
              {budget(own)}
            </Stat>
          ) : null}
          <Stat label="Requests / min" stat="rpm">
            {own.rpm ? count(own.rpm) : 'no limit'}
          </Stat>
          <Stat label="Tokens / min" stat="tpm">
            {own.tpm ? count(own.tpm) : 'no limit'}
          </Stat>
          <Stat label="Expires">{own.expires_at ? dateTime(own.expires_at) : 'never'}</Stat>
          <Stat label="Group">{own.group}</Stat>
        </dl>
      )}

      <h2>Models you can use</h2>
      {own && own.models.length > 0 ? (
        <p class="muted">This key is limited to: {own.models.join(', ')}.</p>
      ) : null}
      {!models.data ? (
        <Loading error={models.error} />
      ) : models.data.data.length === 0 ? (
        <p class="muted">No model is served to this key right now.</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="key-models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="num">
                  Input, USD / M tokens
                </th>
                <th scope="col" class="num">
                  Output, USD / M tokens
                </th>
                <th scope="col" class="num">
                  Cache read / write ×
                </th>
              </tr>
            </thead>
            <tbody>
              {models.data.data.map((m) => (
                <tr key={m.model} data-model={m.model}>
                  <th scope="row" class="mono">
                    {m.model}
                  </th>
                  <td class="num">{m.input_usd_per_mtok ?? 'not priced'}</td>
                  <td class="num">{m.output_usd_per_mtok ?? 'not priced'}</td>
                  <td class="num">
                    {m.cache_read_multiplier ?? '—'} / {m.cache_write_multiplier ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Usage</h2>
      <div class="filters">
        <Field label="Range" name="range">
          {(attrs) => (
            <select
              {...attrs}
              value={range}
              onChange={(e) => setRange(e.currentTarget.value as Range)}
            >
              {Object.entries(RANGES).map(([value, { label }]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {!summary.data ? (
        <Loading error={summary.error} />
      ) : (
        <>
          <p data-testid="key-usage-totals">
            {count(summary.data.totals.requests)} requests · {usd(summary.data.totals.cost_usd)} ·{' '}
            {count(summary.data.totals.input_tokens + summary.data.totals.output_tokens)} tokens
          </p>
          <div class="charts">
            {METRICS.filter(([metric]) => metric !== 'tokens').map(([metric, title, format]) => (
              <StackedBars
                key={metric}
                id={metric}
                title={`${title} per ${interval}`}
                data={chartData(summary.data!, metric)}
                format={format}
                tick={tickOf(interval)}
              />
            ))}
          </div>
        </>
      )}

      <h2>Recent requests</h2>
      {!records.data ? (
        <Loading error={records.error} />
      ) : records.data.data.length === 0 ? (
        <p class="muted">No requests in this range.</p>
      ) : (
        <RecordsTable rows={records.data.data} testId="key-records" />
      )}

      <h2>Set up your tools</h2>
      <p class="muted">
        Put your key in an environment variable first: <code>export RELAYMESH_API_KEY=sk-…</code>.
        Every snippet below reads it from there.
      </p>
      <Snippets base={location.origin} model={models.data?.data[0]?.model ?? 'gpt-4o-mini'} />
    </section>
  );
}

/** Setup for each SDK and CLI, pointed at this gateway (the page's own origin). */
export function snippets(base: string, model: string): [string, string][] {
  return [
    [
      'OpenAI SDK (Python)',
      `from openai import OpenAI
import os

client = OpenAI(base_url="${base}/v1", api_key=os.environ["RELAYMESH_API_KEY"])
reply = client.chat.completions.create(
    model="${model}", messages=[{"role": "user", "content": "Hello"}]
)
print(reply.choices[0].message.content)`,
    ],
    [
      'OpenAI SDK (Node)',
      `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}/v1', apiKey: process.env.RELAYMESH_API_KEY });
const reply = await client.chat.completions.create({
  model: '${model}',
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(reply.choices[0].message.content);`,
    ],
    [
      'Anthropic SDK (Python)',
      `import anthropic, os

client = anthropic.Anthropic(base_url="${base}", api_key=os.environ["RELAYMESH_API_KEY"])
reply = client.messages.create(
    model="${model}", max_tokens=1024, messages=[{"role": "user", "content": "Hello"}]
)
print(reply.content[0].text)`,
    ],
    [
      'Gemini SDK (Python, google-genai)',
      `from google import genai
from google.genai import types
import os

client = genai.Client(
    api_key=os.environ["RELAYMESH_API_KEY"],
    http_options=types.HttpOptions(base_url="${base}"),
)
print(client.models.generate_content(model="${model}", contents="Hello").text)`,
    ],
    [
      'Claude Code',
      `export ANTHROPIC_BASE_URL=${base}
export ANTHROPIC_API_KEY=$RELAYMESH_API_KEY
export ANTHROPIC_MODEL=${model}
claude`,
    ],
    [
      'Codex CLI (~/.codex/config.toml)',
      `model = "${model}"
model_provider = "relaymesh"

[model_providers.relaymesh]
name = "relaymesh"
base_url = "${base}/v1"
env_key = "RELAYMESH_API_KEY"
wire_api = "responses"`,
    ],
    [
      'Gemini CLI',
      `export GOOGLE_GEMINI_BASE_URL=${base}
export GEMINI_API_KEY=$RELAYMESH_API_KEY
gemini -m ${model}`,
    ],
  ];
}

function Snippets(props: { base: string; model: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <div data-testid="snippets">
      {snippets(props.base, props.model).map(([title, text]) => (
        <details class="snippet" key={title} data-snippet={title}>
          <summary>{title}</summary>
          <pre>
            <code>{text}</code>
          </pre>
          <div class="snippet-actions">
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard
                  ?.writeText(text)
                  .then(() => setCopied(title))
                  .catch(() => setCopied(null));
              }}
            >
              {copied === title ? 'Copied' : 'Copy'}
            </button>
          </div>
        </details>
      ))}
    </div>
  );
}
