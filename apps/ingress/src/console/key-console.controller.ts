// /console/api/key: the key holder's page's API. Signing in takes a client key and sets the key session cookie
// (key-session.ts); every other route reads that cookie only, never the operator's, and answers for its key
// only. Nothing here writes but the session itself, which a cross-site form cannot post (a JSON body, and the
// cookie is SameSite=Strict). Failed sign-ins are bounded per client address, with the operator's sign-in
// (sign-in-throttle.ts).
import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionCookie } from '../admin/admin-session';
import { sendError } from '../http/data-plane';
import { GatewayError } from '../http/gateway-error';
import { Answer, KeyConsole } from './key-console.service';
import { KEY_SESSION_COOKIE, KeySession } from './key-session';
import { SignInThrottle, signInThrottled } from './sign-in-throttle';

const SignInSchema = z.object({ key: z.string().min(1).max(1000) });

function sessionBody(session: KeySession) {
  return { role: 'key', key_id: session.keyId, expires_at: session.expiresAt.toISOString() };
}

@Controller('console/api/key')
export class KeyConsoleController {
  constructor(
    private readonly keys: KeyConsole,
    private readonly throttle: SignInThrottle,
  ) {}

  @Post('session')
  signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return answer(reply, async () => {
      const now = new Date();
      const wait = this.throttle.retryAfterSeconds(request.ip, now.getTime());
      if (wait > 0) throw signInThrottled(wait);
      const parsed = SignInSchema.safeParse(request.body);
      if (!parsed.success) throw new GatewayError(400, 'Send {"key": "<your API key>"}.');
      const { value, session } = await this.keys
        .signIn(parsed.data.key, request.ip, now)
        .catch((err: unknown) => {
          // Not a key (401) is a guess; a real key refused (403: disabled, expired, address) is not.
          if (err instanceof GatewayError && err.status === 401) {
            this.throttle.failed(request.ip, now.getTime());
          }
          throw err;
        });
      void reply.header('set-cookie', this.cookie(request, value));
      return { status: 200, body: sessionBody(session) };
    });
  }

  @Get('session')
  session(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return answer(reply, async () => {
      const key = await this.keys.key(request, new Date());
      const session = this.keys.sessionOf(request, new Date())!;
      return { status: 200, body: { ...sessionBody(session), name: key.name } };
    });
  }

  @Delete('session')
  signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    void reply
      .header('cache-control', 'no-store')
      .header('set-cookie', this.cookie(request, null))
      .code(204)
      .send();
  }

  @Get()
  key(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return answer(reply, async () => ({
      status: 200,
      body: await this.keys.key(request, new Date()),
    }));
  }

  @Get('models')
  models(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return answer(reply, async () => ({
      status: 200,
      body: await this.keys.models(request, new Date()),
    }));
  }

  @Get('usage')
  usage(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return answer(reply, () => this.keys.usage(request, request.query, new Date()));
  }

  @Get('usage/summary')
  summary(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return answer(reply, () => this.keys.summary(request, request.query, new Date()));
  }

  private cookie(request: FastifyRequest, value: string | null): string {
    return sessionCookie(value, {
      name: KEY_SESSION_COOKIE,
      secure: request.protocol === 'https',
      maxAgeMs: this.keys.ttlMs,
    });
  }
}

/** Sends what `produce` answers, uncached (it is one key's data); a GatewayError as the admin API's envelope. */
async function answer(reply: FastifyReply, produce: () => Promise<Answer>): Promise<void> {
  void reply.header('cache-control', 'no-store');
  try {
    const { status, body } = await produce();
    void reply.code(status).send(body);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    sendError(reply, 'admin', err.status, err.message, err.details);
  }
}
