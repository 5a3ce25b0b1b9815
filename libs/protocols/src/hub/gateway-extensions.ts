// The gateway's own request fields (CONTRACT §1), accepted in every client format: `models` and `fallbacks` (models
// to try next) and `provider` (routing preferences). Ingress reads them; every pass-through removes them before the
// body goes upstream, since no provider knows them.
export const GATEWAY_EXTENSION_FIELDS = ['models', 'fallbacks', 'provider'] as const;

const EXTENSIONS: ReadonlySet<string> = new Set(GATEWAY_EXTENSION_FIELDS);

/** The field is one of the gateway's own, left out of every body that goes upstream. */
export function isGatewayExtension(field: string): boolean {
  return EXTENSIONS.has(field);
}
