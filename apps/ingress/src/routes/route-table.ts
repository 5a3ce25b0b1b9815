// Every data-plane route of CONTRACT §1, declared once: path, method, the envelope its errors use, what serves
// it and what its admission needs. Both front doors are built from this table: the lean node:http listener
// (lean-listener.ts) matches a raw path with routeOf(), Fastify gets one route per template
// (fastify-routes.ts) and resolves a Gemini target with the same routeInFamily(). Pure, so the matching is
// table-tested without a server.
import {
  ProtocolAdapter,
  anthropicMessages,
  gemini,
  openAIChat,
  openAIResponses,
} from '@relaymesh/protocols';
import type { WireFormat } from '../http/error-envelope';

/** The endpoint as a bounded metrics label. */
export type RouteLabel =
  | 'chat_completions'
  | 'responses'
  | 'messages'
  | 'count_tokens'
  | 'generate_content'
  | 'embed_content'
  | 'embeddings'
  | 'models'
  | 'key';

/** What serves a route once it is admitted. */
export type RouteHandler =
  /** A generation in the adapter's format; Gemini says stream or not by the method in the path. */
  | { kind: 'generate'; adapter: ProtocolAdapter; stream: boolean | null }
  /** A token count in the format's own shape (Anthropic `count_tokens`, Gemini `:countTokens`). */
  | { kind: 'count_tokens'; format: 'anthropic' | 'gemini' }
  /** Embeddings in the adapter's format; Gemini batches by the method in the path. */
  | { kind: 'embeddings'; adapter: ProtocolAdapter; batch: boolean }
  /** The catalogue in the envelope's format. */
  | { kind: 'model_list' }
  | { kind: 'key_info' };

/**
 * What admission checks besides the key (authenticated with the caller's address on every route, enabled and
 * not expired on every route): `model` also checks the model against the key's allow-list, then the key's
 * rpm/tpm limits and its credit; `model_unbilled` only the allow-list (a count is not billed nor limited);
 * `key` has no model (lists, the key's own record).
 */
export type AdmissionNeeds = 'model' | 'model_unbilled' | 'key';

/**
 * The envelope of a route's errors: a format, or `caller` (the format whose way of sending the key was used:
 * an endpoint every SDK calls), or `model_list` (Anthropic when `anthropic-version` is sent, else OpenAI).
 */
export type RouteEnvelope = WireFormat | 'caller' | 'model_list';

export interface DataPlaneRoute {
  readonly label: RouteLabel;
  readonly method: 'GET' | 'POST';
  /** Fixed, or with `{model}` for the model named in the path (Gemini puts the method after it). */
  readonly path: string;
  readonly envelope: RouteEnvelope;
  readonly handler: RouteHandler;
  readonly admission: AdmissionNeeds;
}

const geminiRoutes = (prefix: '/v1beta' | '/v1'): DataPlaneRoute[] => [
  {
    label: 'generate_content',
    method: 'POST',
    path: `${prefix}/models/{model}:generateContent`,
    envelope: 'gemini',
    handler: { kind: 'generate', adapter: gemini, stream: false },
    admission: 'model',
  },
  {
    label: 'generate_content',
    method: 'POST',
    path: `${prefix}/models/{model}:streamGenerateContent`,
    envelope: 'gemini',
    handler: { kind: 'generate', adapter: gemini, stream: true },
    admission: 'model',
  },
  {
    label: 'count_tokens',
    method: 'POST',
    path: `${prefix}/models/{model}:countTokens`,
    envelope: 'gemini',
    handler: { kind: 'count_tokens', format: 'gemini' },
    admission: 'model_unbilled',
  },
  {
    label: 'embed_content',
    method: 'POST',
    path: `${prefix}/models/{model}:embedContent`,
    envelope: 'gemini',
    handler: { kind: 'embeddings', adapter: gemini, batch: false },
    admission: 'model',
  },
  {
    label: 'embed_content',
    method: 'POST',
    path: `${prefix}/models/{model}:batchEmbedContents`,
    envelope: 'gemini',
    handler: { kind: 'embeddings', adapter: gemini, batch: true },
    admission: 'model',
  },
];

export const DATA_PLANE_ROUTES: readonly DataPlaneRoute[] = [
  {
    label: 'chat_completions',
    method: 'POST',
    path: '/v1/chat/completions',
    envelope: 'openai',
    handler: { kind: 'generate', adapter: openAIChat, stream: null },
    admission: 'model',
  },
  {
    label: 'responses',
    method: 'POST',
    path: '/v1/responses',
    envelope: 'openai',
    handler: { kind: 'generate', adapter: openAIResponses, stream: null },
    admission: 'model',
  },
  {
    // `?beta=true` (sent by Claude Code) changes nothing: the query is not part of the path.
    label: 'messages',
    method: 'POST',
    path: '/v1/messages',
    envelope: 'anthropic',
    handler: { kind: 'generate', adapter: anthropicMessages, stream: null },
    admission: 'model',
  },
  {
    label: 'count_tokens',
    method: 'POST',
    path: '/v1/messages/count_tokens',
    envelope: 'anthropic',
    handler: { kind: 'count_tokens', format: 'anthropic' },
    admission: 'model_unbilled',
  },
  {
    label: 'embeddings',
    method: 'POST',
    path: '/v1/embeddings',
    envelope: 'openai',
    handler: { kind: 'embeddings', adapter: openAIChat, batch: false },
    admission: 'model',
  },
  ...geminiRoutes('/v1beta'),
  ...geminiRoutes('/v1'),
  {
    label: 'models',
    method: 'GET',
    path: '/v1/models',
    envelope: 'model_list',
    handler: { kind: 'model_list' },
    admission: 'key',
  },
  {
    label: 'models',
    method: 'GET',
    path: '/v1beta/models',
    envelope: 'gemini',
    handler: { kind: 'model_list' },
    admission: 'key',
  },
  {
    label: 'key',
    method: 'GET',
    path: '/v1/key',
    envelope: 'caller',
    handler: { kind: 'key_info' },
    admission: 'key',
  },
];

/** A request's route, and the model its path names (decoded), if it names one. */
export interface RouteMatch {
  readonly route: DataPlaneRoute;
  readonly pathModel: string | null;
}

const MODEL = '{model}';

/** A family of routes that share a path before `{model}` (`/v1beta/models/`), one per method after it. */
export interface RouteFamily {
  /** The path before the model: `/v1beta/models/`. */
  readonly prefix: string;
  readonly method: 'GET' | 'POST';
  /** The family as a router declares it: `/v1beta/models/:target`. */
  readonly template: string;
  /** What follows the model (`:generateContent`) → the route. */
  readonly bySuffix: ReadonlyMap<string, DataPlaneRoute>;
}

export class RouteTable {
  private readonly fixed = new Map<string, DataPlaneRoute>();
  readonly families: readonly RouteFamily[];

  constructor(readonly routes: readonly DataPlaneRoute[] = DATA_PLANE_ROUTES) {
    const families = new Map<string, RouteFamily & { bySuffix: Map<string, DataPlaneRoute> }>();
    for (const route of routes) {
      const at = route.path.indexOf(MODEL);
      if (at < 0) {
        this.fixed.set(`${route.method} ${route.path}`, route);
        continue;
      }
      const prefix = route.path.slice(0, at);
      const name = `${route.method} ${prefix}`;
      let family = families.get(name);
      if (!family) {
        family = {
          prefix,
          method: route.method,
          template: routerTemplateOf(route),
          bySuffix: new Map(),
        };
        families.set(name, family);
      }
      family.bySuffix.set(route.path.slice(at + MODEL.length), route);
    }
    this.families = [...families.values()];
  }

  /** The fixed routes, as declared. */
  get fixedRoutes(): DataPlaneRoute[] {
    return [...this.fixed.values()];
  }

  /**
   * The route of a path as received (no query), or null. A path within a family must name its model in one
   * segment, as a router's `:param` takes it; the caller decodes nothing (the lean listener takes no path with
   * a percent-escape, so the path is its own decoding).
   */
  routeOf(method: string, path: string): RouteMatch | null {
    const fixed = this.fixed.get(`${method} ${path}`);
    if (fixed) return { route: fixed, pathModel: null };
    for (const family of this.families) {
      if (family.method !== method || !path.startsWith(family.prefix)) continue;
      const target = path.slice(family.prefix.length);
      return target.includes('/') ? null : routeInFamily(family, target);
    }
    return null;
  }
}

/**
 * The route for a family's target (`<model>:<method>`, decoded): the method is what follows the last colon,
 * the model what precedes it (a model name may hold colons itself), and it must not be empty.
 */
export function routeInFamily(family: RouteFamily, target: string): RouteMatch | null {
  const colon = target.lastIndexOf(':');
  if (colon <= 0) return null;
  const route = family.bySuffix.get(target.slice(colon));
  return route ? { route, pathModel: target.slice(0, colon) } : null;
}

/** The route as a router declares it (`/v1beta/models/:target` for a family), as Fastify is given it. */
export function routerTemplateOf(route: DataPlaneRoute): string {
  const at = route.path.indexOf(MODEL);
  return at < 0 ? route.path : `${route.path.slice(0, at)}:target`;
}

/** The envelope format of a request on this route. */
export function formatOfRoute(
  route: DataPlaneRoute,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  query: Readonly<Record<string, unknown>>,
): WireFormat {
  switch (route.envelope) {
    case 'caller':
      if (headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined) {
        return 'anthropic';
      }
      return headers['x-goog-api-key'] !== undefined || query['key'] !== undefined
        ? 'gemini'
        : 'openai';
    case 'model_list':
      return headers['anthropic-version'] ? 'anthropic' : 'openai';
    default:
      return route.envelope;
  }
}
