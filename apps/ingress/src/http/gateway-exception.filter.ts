// The last word on any error that escapes a handler or happens before one (unknown path, malformed JSON,
// body over the limit, wrong content type): an answer in the caller's envelope, never Nest's or Fastify's
// default body, an HTML page or a stack trace.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './data-plane';
import { formatOfPath } from './error-envelope';
import { GatewayError } from './gateway-error';

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
    if (exception instanceof GatewayError) {
      sendError(reply, format, exception.status, exception.message, exception.details);
      return;
    }
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
    // Nest turns Fastify's own errors (body parser, body limit, bad URL) into an HttpException that keeps only
    // the status and Fastify's message, so they are told apart by status here.
    const status =
      exception instanceof HttpException
        ? exception.getStatus()
        : (exception as { statusCode?: number }).statusCode;
    const message = exception instanceof Error ? exception.message : '';
    const unparsable = /JSON|[Bb]ody/.test(message);
    switch (status) {
      case 404:
        return {
          status,
          message: `Unknown endpoint: ${request.method} ${path}`,
          code: 'unknown_endpoint',
        };
      case 413:
        return {
          status,
          message: `Request body is larger than the limit of ${this.maxBodyBytes} bytes.`,
          code: 'request_too_large',
        };
      case 415:
        return {
          status: 400,
          message: 'Unsupported content type: send the body as application/json.',
          code: 'invalid_content_type',
        };
      case undefined:
        break;
      default:
        if (status >= 400 && status < 500) {
          return {
            status,
            message: unparsable
              ? `We could not parse the JSON body of your request: ${message}`
              : message,
            code: unparsable ? 'invalid_json' : null,
          };
        }
    }
    return {
      status: 500,
      message: `The gateway failed to handle this request (request id ${request.id}); this is a fault of the gateway, not of your request.`,
      code: 'internal_error',
    };
  }
}
