// /console: the operator's web console (its files) and its sign-in session. The session is the admin API's
// second way in (admin-auth.service.ts): the page holds an HttpOnly cookie, never the token itself. Failed
// sign-ins are bounded per client address (sign-in-throttle.ts).
import { Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AdminAuth } from '../admin/admin-auth.service';
import { Session, sessionCookie } from '../admin/admin-session';
import { sendError } from '../http/data-plane';
import { ConsoleSite } from './console-site.service';
import { SignInThrottle, signInThrottled } from './sign-in-throttle';

const SignInSchema = z.object({ token: z.string().min(1).max(1000) });

function sessionBody(session: Session) {
  return { role: session.role, expires_at: session.expiresAt.toISOString(), csrf: session.csrf };
}

@Controller('console')
export class ConsoleController {
  constructor(
    private readonly auth: AdminAuth,
    private readonly site: ConsoleSite,
    private readonly throttle: SignInThrottle,
  ) {}

  @Post('session')
  signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const now = new Date();
    const wait = this.throttle.retryAfterSeconds(request.ip, now.getTime());
    if (wait > 0) {
      const refusal = signInThrottled(wait);
      return sendError(reply, 'admin', refusal.status, refusal.message, refusal.details);
    }
    const parsed = SignInSchema.safeParse(request.body);
    if (!parsed.success) {
      return sendError(reply, 'admin', 400, 'Send {"token": "<admin token>"}.', {});
    }
    const value = this.auth.signIn(parsed.data.token, now);
    const session = value === null ? null : this.auth.verify(value, now);
    if (value === null || session === null) {
      this.throttle.failed(request.ip, now.getTime());
      return sendError(reply, 'admin', 401, 'Not an admin or read-only admin token.', {});
    }
    void reply
      .header('cache-control', 'no-store')
      .header(
        'set-cookie',
        sessionCookie(value, {
          secure: request.protocol === 'https',
          maxAgeMs: this.auth.ttlMs,
        }),
      )
      .code(200)
      .send(sessionBody(session));
  }

  @Get('session')
  session(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const session = this.auth.sessionOf(request, new Date());
    if (!session) return sendError(reply, 'admin', 401, 'Not signed in.', {});
    void reply.header('cache-control', 'no-store').code(200).send(sessionBody(session));
  }

  @Delete('session')
  signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // Stateless: this forgets the cookie in this browser; the value itself stays valid until it expires.
    void reply
      .header('cache-control', 'no-store')
      .header('set-cookie', sessionCookie(null, { secure: request.protocol === 'https' }))
      .code(204)
      .send();
  }

  @Get()
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.site.serve('index.html', request, reply);
  }

  @Get('*')
  file(@Param('*') path: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.site.serve(path, request, reply);
  }
}
