// The last word on any error that escapes a handler or happens before one (unknown path, malformed JSON,
// body over the limit, wrong content type): an answer in the caller's envelope, never Nest's or Fastify's
// default body, an HTML page or a stack trace.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './data-plane';
import { formatOfPath } from './error-envelope';

@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  constructor(private readonly maxBodyBytes: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent || reply.raw.headersSent) {
      if (!reply.raw.writableEnded) reply.raw.end();
      return;
    }
    const format = formatOfPath(request.url);
    const { status, message, code } = this.describe(exception, request);
    if (status >= 500) {
      this.logger.error(
        `request ${request.id} failed: ${(exception as Error)?.stack ?? String(exception)}`,
      );
    }
    sendError(reply, format, status, message, { code });
  }

  private describe(
    exception: unknown,
    request: FastifyRequest,
  ): { status: number; message: string; code: string | null } {
    const path = request.url.split('?')[0];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        return {
          status,
          message: `Unknown endpoint: ${request.method} ${path}`,
          code: 'unknown_endpoint',
        };
      }
      return { status, message: exception.message, code: null };
    }
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    switch (fastifyError.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return {
          status: 413,
          message: `Request body is larger than the limit of ${this.maxBodyBytes} bytes.`,
          code: 'request_too_large',
        };
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return {
          status: 400,
          message: 'Unsupported content type: send the body as application/json.',
          code: 'invalid_content_type',
        };
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return {
          status: 400,
          message: `We could not parse the JSON body of your request: ${fastifyError.message ?? ''}`,
          code: 'invalid_json',
        };
      default:
        break;
    }
    if (
      fastifyError.statusCode &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    ) {
      return {
        status: fastifyError.statusCode,
        message: `We could not parse the JSON body of your request: ${fastifyError.message ?? ''}`,
        code: fastifyError.code ?? null,
      };
    }
    return {
      status: 500,
      message: `The gateway failed to handle this request (request id ${request.id}); this is a fault of the gateway, not of your request.`,
      code: 'internal_error',
    };
  }
}
