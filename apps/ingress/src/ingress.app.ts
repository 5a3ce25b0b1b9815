// Starts ingress, alone (main.ts) or inside the embedded process (embedded/main.ts): Fastify with the body
// limit and request ids, one exception filter so every error is answered in the caller's envelope, and the
// lean listener in front of it that serves the hot data-plane routes.
import { TransportConfig } from '@relaymesh/messaging';
import { runApp } from '@relaymesh/app';
import { IngressEnv } from './config/ingress.env';
import { answerClientError } from './http/client-error';
import { DataPlane } from './http/data-plane';
import { renderFrameworkError } from './http/framework-errors';
import { GatewayExceptionFilter } from './http/gateway-exception.filter';
import { parseJsonBody } from './http/json-body';
import { lingerOnEarlyClose } from './http/lingering-close';
import { compileProxyTrust } from './http/client-address';
import { requestIdOf } from './http/request-id';
import { IngressModule } from './ingress.module';
import { registerFastifyRoutes } from './routes/fastify-routes';
import { LeanListener } from './routes/lean-listener';
import { RouteDispatcher } from './routes/route-dispatcher.service';
import { RouteTable } from './routes/route-table';

export async function startIngress(
  env: IngressEnv,
  transport: TransportConfig,
  shutdownHooks = true,
) {
  const app = await runApp(IngressModule.forRoot(env, { transport }), {
    transport,
    listenPort: env.port,
    host: env.host,
    logLevels: env.logLevels,
    shutdownHooks,
    fastify: {
      bodyLimit: env.maxBodyBytes,
      frameworkErrors: renderFrameworkError,
      // Requests node's parser refuses never reach either listener: answered in our envelope here.
      clientErrorHandler: answerClientError,
      // request.ip: the socket's peer, or the X-Forwarded-For hop just before the nearest trusted proxy.
      trustProxy: compileProxyTrust(env.trustedProxies) ?? false,
      // A client's own x-request-id is kept (CONTRACT §1) when it is a sane token; otherwise we make one.
      genReqId: (req) => requestIdOf(req.headers),
      // Slowloris: a request head or a whole request that takes too long to arrive is cut (408, connection
      // closed). These limits stop once the request has arrived, so long generations are not cut; nor is there an
      // idle-socket timeout (connectionTimeout), which would cut a stream whose model is thinking.
      requestTimeout: env.clientTimeouts.requestMs,
      http: {
        headersTimeout: env.clientTimeouts.headersMs,
        requestTimeout: env.clientTimeouts.requestMs,
        // node:http checks the two limits on a timer, every 30 s by default: far too coarse for either.
        connectionsCheckingInterval: Math.min(1_000, env.clientTimeouts.headersMs),
      },
      connectionTimeout: 0,
      keepAliveTimeout: 75_000,
    },
    configure: (app) => {
      app.useGlobalFilters(new GatewayExceptionFilter(env.maxBodyBytes));
      // The lean listener's JSON parser for Fastify's routes too (json-body.ts: the nesting bound). Declaring
      // it stops Nest registering its own JSON and urlencoded parsers: every body is JSON here (CONTRACT §1), so
      // a form body is refused as an unsupported content type.
      app.useBodyParser('application/json', { bodyLimit: env.maxBodyBytes }, (_req, body, done) => {
        try {
          done(null, parseJsonBody(body.toString('utf8')));
        } catch (err) {
          done(err as Error, undefined);
        }
      });
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', (request, reply, done) => {
          reply.header('x-request-id', request.id);
          done();
        });
      app.getHttpAdapter().getInstance().addHook('onSend', lingerOnEarlyClose);
      // The data-plane routes, from one table, on both listeners (routes/ says how and why two).
      const table = new RouteTable();
      const dispatcher = app.get(RouteDispatcher);
      registerFastifyRoutes(app.getHttpAdapter().getInstance(), table, dispatcher);
      if (env.leanListener) {
        const dataPlane = app.get(DataPlane);
        new LeanListener({
          maxBodyBytes: env.maxBodyBytes,
          table,
          accepting: () => dataPlane.accepting,
          dispatcher,
        }).install(app.getHttpServer());
      }
    },
  });
  return app;
}
