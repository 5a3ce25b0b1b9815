// Where a request is planned: what to ask of which channel and how to read its answer. A plan is a value made
// by pure functions from the client's adapter, its body, the admitted key and the time; attemptFor() turns it,
// for one channel and its upstream model, into the HTTP request to send (or the local answer to give) and the
// way to read what comes back. The relay (relay/) only carries that out; nothing here does I/O, so every
// choice is unit-tested with plain values.
import {
  ClientContext,
  ClientEmbeddings,
  HostedToolTarget,
  HubRequest,
  ProtocolAdapter,
  TokenUsage,
  adapterForChannel,
  anthropicMessages,
  applyOverrides,
  embeddingsUsage,
  estimateInputTokens,
  gemini,
  hostedToolsFor,
  openAIResponses,
} from '@relaymesh/protocols';
import { ProviderPreferences, RouteVariant } from '@relaymesh/routing';
import type { UpstreamRequest } from '../relay/attempt';
import type { IngressChannel } from '../routing-snapshot/snapshot-store.service';
import { CHARS_PER_TOKEN } from '../usage/cut-stream-usage';
import { changesRequest, graftVariantFields, patchBody, variantOverrides } from './request-variant';

/** What the relay needs of any plan to pick channels: the models to try, in order, and how to rank them. */
export interface RelayScope {
  /** The model the client asked for; refusals name it. */
  model: string;
  /** The requested model first, then its fallbacks (those the key may use). */
  models: readonly string[];
  preferences: ProviderPreferences;
  /** Decides the attempt deadline: until the first byte for a stream, the whole answer otherwise. */
  stream: boolean;
}

/** A generation in any client format (chat, responses, messages, Gemini generate). */
export interface GenerationPlan {
  kind: 'generate';
  scope: RelayScope;
  client: ProtocolAdapter;
  /** The client's body (a pass-through sends it with only the model mapped). */
  body: Record<string, unknown>;
  /** The request in hub form, or null when the hub cannot carry it (then only its own format can serve it). */
  hub: HubRequest | null;
  ctx: ClientContext;
  /** Client headers that belong to the format and travel on a pass-through (Anthropic `anthropic-beta`). */
  formatHeaders: Record<string, string>;
  /**
   * The channel that stored the Responses state this request continues (`previous_response_id`,
   * `item_reference`; responses-state/response-pins.ts): no other channel can resolve it. Null: any channel.
   */
  pinnedChannel: string | null;
  /**
   * The request names stored state this replica knows no channel for: a channel whose upstream does not know
   * it either (another OpenAI organisation) is passed over for the next, and its "not found" is the answer
   * only when no channel knew it.
   */
  searchesStoredState: boolean;
}

/**
 * OpenAI's answers to a name of stored state it does not hold: 400 `previous_response_not_found`, and 404
 * "Item with id '…' not found." for an `item_reference`.
 */
export function unknownStoredState(status: number, body: string): boolean {
  return (
    (status === 400 && body.includes('"previous_response_not_found"')) ||
    (status === 404 && /Item with id '[^']*' not found/.test(body))
  );
}

/**
 * Embeddings, in a format that has them (the adapter's embeddings codec: OpenAI, Gemini): a pass-through to a
 * channel of the same format, translated across.
 */
export interface EmbeddingsPlan {
  kind: 'embeddings';
  scope: RelayScope;
  /** The client's format. */
  client: ProtocolAdapter;
  /** The client's request as its codec read it: its texts, its pass-through body, its answer's form. */
  request: ClientEmbeddings;
  /** Tokens of the input, for answers that report none (Gemini's). */
  estimate: () => number;
}

/** The formats that have a token count: Anthropic `count_tokens` and Gemini `:countTokens`. */
export type TokenCountFormat = 'anthropic' | 'gemini';

/** A token count (count-tokens-plan.ts), asked of an Anthropic or a Gemini channel. */
export interface CountTokensPlan {
  kind: 'count_tokens';
  scope: RelayScope;
  /** The client's format, which its answer is given in. */
  client: TokenCountFormat;
  /** The client's body, relayed to a channel of its own format. */
  body: Record<string, unknown>;
  /** The request in hub form (the other format counts it translated), or null. */
  hub: HubRequest | null;
  formatHeaders: Record<string, string>;
}

export type RelayPlan = GenerationPlan | EmbeddingsPlan | CountTokensPlan;

/** A translated JSON answer, ready for the client. */
export interface RenderedAnswer {
  body: unknown;
  usage: TokenUsage | null;
  responseModel: string | null;
}

/** How to read a channel's answer. */
export type AnswerReading =
  /** Relayed byte for byte; usage read from it, and the ids of what the upstream stored (Responses). */
  | {
      kind: 'relay_json';
      usageOf: (json: unknown) => TokenUsage | null;
      storedIdsOf?: (json: unknown) => string[];
    }
  /** Parsed and rendered for the client (throws on an answer it cannot read: the channel's fault). */
  | { kind: 'render_json'; render: (json: unknown) => RenderedAnswer }
  /** An SSE stream relayed event by event (pass-through) or translated through the hub. */
  | {
      kind: 'relay_stream' | 'translate_stream';
      client: ProtocolAdapter;
      target: ProtocolAdapter;
      ctx: ClientContext;
      /** The prompt's tokens, estimated: only a stream that ends early needs it (cut-stream-usage.ts). */
      promptTokens: () => number;
    };

/** What to do with one channel. */
export type AttemptPlan =
  /** A channel answered in-process (the `mock` type, local/mock-channel.ts). */
  | {
      kind: 'local';
      hub: HubRequest;
      upstreamModel: string;
      client: ProtocolAdapter;
      ctx: ClientContext;
      stream: boolean;
    }
  | {
      kind: 'http';
      request: UpstreamRequest;
      reading: AnswerReading;
      /**
       * The client's hosted tools this channel's provider cannot run, dropped in translation (the channel's
       * `hosted_tools: drop`): said to the client in a header and recorded with the usage.
       */
      droppedTools: readonly string[];
    }
  /** The channel would have to drop these hosted tools and its `hosted_tools` policy says refuse. */
  | { kind: 'refused'; droppedTools: readonly string[] };

/** The response header that names the hosted tools a translation dropped. */
export const DROPPED_TOOLS_HEADER = 'x-relaymesh-dropped-tools';

const HEADER_TOOL_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;
const HEADER_MAX_TOOLS = 32;

/**
 * The header's value: the dropped tools' type names, comma-separated. A type is the client's own text: one that
 * is not a plain token (a line break would make the header invalid) or past the bound is left out of the
 * header (the usage record keeps it, normalised); null when none is left.
 */
export function droppedToolsHeader(tools: readonly string[]): string | null {
  const names = tools.filter((tool) => HEADER_TOOL_NAME.test(tool)).slice(0, HEADER_MAX_TOOLS);
  return names.length > 0 ? names.join(',') : null;
}

/**
 * The attempt for `channel` serving `upstreamModel`, or null when the channel cannot serve this request (its
 * type has no adapter, or the request cannot be translated to its format): skipped, not failed. `random`
 * picks one of the channel's keys; `variant` is what the route's public name changes in a generation
 * (plan/request-variant.ts).
 */
export function attemptFor(
  plan: RelayPlan,
  channel: IngressChannel,
  upstreamModel: string,
  random: () => number = Math.random,
  variant: RouteVariant | null = null,
): AttemptPlan | null {
  switch (plan.kind) {
    case 'generate':
      return generationAttempt(plan, channel, upstreamModel, random, variant);
    case 'embeddings':
      return embeddingsAttempt(plan, channel, upstreamModel, random);
    case 'count_tokens':
      return countAttempt(plan, channel, upstreamModel, random);
  }
}

function generationAttempt(
  plan: GenerationPlan,
  channel: IngressChannel,
  upstreamModel: string,
  random: () => number,
  variant: RouteVariant | null,
): AttemptPlan | null {
  const { client, body, ctx } = plan;
  const { stream } = plan.scope;
  if (plan.pinnedChannel !== null && channel.id !== plan.pinnedChannel) return null;
  const overrides = variantOverrides(variant);
  const hub = plan.hub && overrides ? applyOverrides(plan.hub, overrides) : plan.hub;
  // A mock channel answers from the hub, so it serves every request the hub can carry.
  if (channel.type === 'mock') {
    return hub ? { kind: 'local', hub, upstreamModel, client, ctx, stream } : null;
  }
  const target = targetAdapter(channel, client);
  if (target === null) return null;
  const same = target.format === client.format;
  if (!same && hub === null) return null;
  const droppedTools = same
    ? []
    : hostedToolsFor(hub!, HOSTED_TARGET[target.format], upstreamModel).dropped;
  if (droppedTools.length > 0 && channel.hosted_tools === 'refuse') {
    return { kind: 'refused', droppedTools };
  }
  const built = same
    ? target.passThrough.buildRequest(body, upstreamModel, stream)
    : target.upstream.buildRequest(hub!, upstreamModel);
  // A variant that changes the request keeps a pass-through a pass-through: the fields it decides are taken
  // from the request translated with it. A request the hub cannot carry goes as sent (extra fields only).
  const variantBody =
    same && hub !== null && overrides !== null && changesRequest(overrides)
      ? graftVariantFields(
          target.format,
          overrides,
          built.body,
          target.upstream.buildRequest(hub, upstreamModel).body,
        )
      : built.body;
  const request = {
    ...built,
    body: patchBody(variantBody, overrides?.extraFields, channel.body_override),
    headers: upstreamHeaders(
      channel,
      target,
      built.headers,
      same ? plan.formatHeaders : {},
      random,
    ),
  };
  if (!stream) {
    return {
      kind: 'http',
      request,
      droppedTools,
      reading: same
        ? {
            kind: 'relay_json',
            usageOf: (json) => passThroughUsage(json, target),
            storedIdsOf: (json) => target.passThrough.storedIdsFromResponse?.(json) ?? [],
          }
        : {
            kind: 'render_json',
            render: (json) => {
              const answer = target.upstream.parseResponse(json);
              return {
                body: client.client.renderResponse(answer, ctx),
                usage: answer.usage,
                responseModel: answer.model || null,
              };
            },
          },
    };
  }
  return {
    kind: 'http',
    request,
    droppedTools,
    reading: {
      kind: same ? 'relay_stream' : 'translate_stream',
      client,
      target,
      ctx,
      promptTokens: () =>
        hub ? estimateInputTokens(hub) : Math.ceil(JSON.stringify(body).length / CHARS_PER_TOKEN),
    },
  };
}

/**
 * Whether a channel serves the Responses API (`/v1/responses`): OpenAI itself always; an `openai-compatible`
 * server only when its operator says so (`responses_api`), since many such servers have Chat Completions only.
 */
export function servesResponsesApi(channel: IngressChannel): boolean {
  return (
    channel.type === 'openai' ||
    (channel.type === 'openai-compatible' && channel.responses_api === true)
  );
}

/**
 * The format a channel is spoken to in for this client: a Responses client gets the Responses API of a channel
 * that serves it (a pass-through: namespace, custom and hosted tools, `store` and every field newer than this
 * code reach OpenAI intact); every other pair the channel type's own format (a Responses client on a Chat-only
 * server is translated through Chat Completions).
 */
function targetAdapter(channel: IngressChannel, client: ProtocolAdapter): ProtocolAdapter | null {
  if (client.format === 'openai-responses' && servesResponsesApi(channel)) return openAIResponses;
  return adapterForChannel(channel.type);
}

/** Which provider's hosted tools an upstream format stands for. */
const HOSTED_TARGET: Record<ProtocolAdapter['format'], HostedToolTarget> = {
  'openai-chat': 'openai-chat',
  'openai-responses': 'openai-responses',
  'anthropic-messages': 'anthropic',
  gemini: 'gemini',
};

function embeddingsAttempt(
  plan: EmbeddingsPlan,
  channel: IngressChannel,
  upstreamModel: string,
  random: () => number,
): AttemptPlan | null {
  const adapter = adapterForChannel(channel.type);
  const codec = adapter?.embeddings;
  if (!adapter || !codec) return null;
  const same = adapter.format === plan.client.format;
  const { texts } = plan.request;
  let built: { path: string; body: string };
  if (same) built = plan.request.passThrough(upstreamModel);
  else if (texts.ok) built = codec.buildRequest(texts.request, upstreamModel);
  // Token-array inputs (OpenAI) have no form in another format: channels of the client's format only.
  else return null;
  return {
    kind: 'http',
    request: { ...built, headers: upstreamHeaders(channel, adapter, {}, {}, random) },
    droppedTools: [],
    reading: same
      ? {
          kind: 'relay_json',
          // Gemini reports no usage for embeddings; OpenAI's `prompt_tokens` is read like a chat answer's.
          usageOf: (json) => passThroughUsage(json, adapter) ?? embeddingsUsage(plan.estimate()),
        }
      : {
          kind: 'render_json',
          render: (json) => {
            const result = codec.parseResponse(json);
            const tokens = result.promptTokens ?? plan.estimate();
            return {
              body: plan.request.render(result, tokens),
              usage: embeddingsUsage(tokens),
              responseModel: null,
            };
          },
        },
  };
}

/** Which channel types can count: one of the client's format takes the request as it is, the other its hub form. */
export function countsTokens(plan: CountTokensPlan, type: string): boolean {
  if (type !== 'anthropic' && type !== 'gemini') return false;
  return type === plan.client || plan.hub !== null;
}

/** A count in the client's own shape. */
export function tokenCountAnswer(format: TokenCountFormat, tokens: number): unknown {
  return format === 'anthropic' ? { input_tokens: tokens } : { totalTokens: tokens };
}

/** What a Messages count takes of a Messages request (the real API refuses `max_tokens`, `stream`, ...). */
const ANTHROPIC_COUNT_FIELDS = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking'];

function countAttempt(
  plan: CountTokensPlan,
  channel: IngressChannel,
  upstreamModel: string,
  random: () => number,
): AttemptPlan | null {
  if (!countsTokens(plan, channel.type)) return null;
  const geminiPath = `/v1beta/models/${encodeURIComponent(upstreamModel)}:countTokens`;
  if (channel.type === plan.client) {
    const body =
      plan.client === 'anthropic'
        ? anthropicMessages.passThrough.buildRequest(plan.body, upstreamModel, false).body
        : JSON.stringify(geminiCountBody(plan.body, upstreamModel));
    const adapter = plan.client === 'anthropic' ? anthropicMessages : gemini;
    return {
      kind: 'http',
      request: {
        path: plan.client === 'anthropic' ? '/v1/messages/count_tokens' : geminiPath,
        body,
        headers: upstreamHeaders(channel, adapter, {}, plan.formatHeaders, random),
      },
      // A count bills nothing: its answer is relayed as it is.
      reading: { kind: 'relay_json', usageOf: () => null },
      droppedTools: [],
    };
  }
  const hub = { ...plan.hub!, stream: false };
  if (channel.type === 'anthropic') {
    const built = JSON.parse(
      anthropicMessages.upstream.buildRequest(hub, upstreamModel).body,
    ) as Record<string, unknown>;
    const body = Object.fromEntries(
      ANTHROPIC_COUNT_FIELDS.filter((field) => built[field] !== undefined).map((field) => [
        field,
        built[field],
      ]),
    );
    return {
      kind: 'http',
      request: {
        path: '/v1/messages/count_tokens',
        body: JSON.stringify(body),
        headers: upstreamHeaders(channel, anthropicMessages, {}, {}, random),
      },
      reading: {
        kind: 'render_json',
        render: (json) => renderCount(plan, (json as { input_tokens?: unknown }).input_tokens),
      },
      droppedTools: [],
    };
  }
  // Gemini counts a whole generateContent request sent as `generateContentRequest`.
  const built = gemini.upstream.buildRequest(hub, upstreamModel);
  const generateContentRequest = {
    model: `models/${upstreamModel}`,
    ...(JSON.parse(built.body) as Record<string, unknown>),
  };
  return {
    kind: 'http',
    request: {
      path: geminiPath,
      body: JSON.stringify({ generateContentRequest }),
      headers: upstreamHeaders(channel, gemini, {}, {}, random),
    },
    droppedTools: [],
    reading: {
      kind: 'render_json',
      render: (json) => renderCount(plan, (json as { totalTokens?: unknown }).totalTokens),
    },
  };
}

/** The client's Gemini count body with the upstream model named where a `generateContentRequest` names one. */
function geminiCountBody(
  body: Record<string, unknown>,
  upstreamModel: string,
): Record<string, unknown> {
  const whole = body['generateContentRequest'];
  return whole !== null && typeof whole === 'object'
    ? { ...body, generateContentRequest: { ...whole, model: `models/${upstreamModel}` } }
    : body;
}

function renderCount(plan: CountTokensPlan, tokens: unknown): RenderedAnswer {
  return {
    body: tokenCountAnswer(plan.client, typeof tokens === 'number' ? tokens : 0),
    usage: null,
    responseModel: null,
  };
}

/** The headers of an upstream request: the format's, the channel's own, then the auth of one of its keys. */
export function upstreamHeaders(
  channel: IngressChannel,
  target: ProtocolAdapter,
  built: Record<string, string>,
  formatHeaders: Record<string, string>,
  random: () => number = Math.random,
): Record<string, string> {
  // One key per request, at random: spreads a channel's load across its keys.
  const key = channel.keys[Math.floor(random() * channel.keys.length)] ?? '';
  return {
    ...formatHeaders,
    ...channel.headers,
    ...built,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...target.upstream.authHeaders(key),
  };
}

/** The usage a relayed answer reports; an answer whose usage cannot be read is relayed all the same. */
function passThroughUsage(json: unknown, target: ProtocolAdapter): TokenUsage | null {
  try {
    return target.passThrough.usageFromResponse(json);
  } catch {
    return null;
  }
}
