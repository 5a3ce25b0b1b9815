// The caller's address, resolved one way for every request: the socket's peer, or, behind trusted proxies
// (RELAYMESH_TRUSTED_PROXIES), the `X-Forwarded-For` hop just before the nearest trusted one. The same compiled
// trust function is Fastify's `trustProxy` (request.ip on the admin API) and what both data-plane listeners
// resolve with, so a key's allow_ips sees the same address whichever listener took the request.
import proxyAddr from '@fastify/proxy-addr';
import type { IncomingMessage } from 'node:http';

export type ProxyTrust = (address: string, hop: number) => boolean;

/** The trust function for these proxies, or null to believe no forwarding header. */
export function compileProxyTrust(trustedProxies: readonly string[]): ProxyTrust | null {
  return trustedProxies.length > 0 ? proxyAddr.compile([...trustedProxies]) : null;
}

export function clientAddressOf(req: IncomingMessage, trust: ProxyTrust | null): string {
  return trust ? (proxyAddr.all(req, trust).at(-1) ?? '') : (req.socket.remoteAddress ?? '');
}
