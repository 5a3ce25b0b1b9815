// The last word on any error that escapes a handler or happens before one (unknown path, malformed JSON,
// body over the limit, wrong content type): an answer in the caller's envelope, never Nest's or Fastify's
// default body, an HTML page or a stack trace.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './data-plane';
import { formatOfPath } from './error-envelope';
import { GatewayError, gatewayFault, unknownEndpoint } from './gateway-error';
import { JsonBodyError, jsonBodyRefusal } from './json-body';

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
    const refusal = this.describe(exception, request);
    if (refusal.status >= 500) {
      this.logger.error(
        `request ${request.id} failed: ${(exception as Error)?.stack ?? String(exception)}`,
      );
    }
    sendError(reply, formatOfPath(request.url), refusal.status, refusal.message, refusal.details);
  }

  private describe(exception: unknown, request: FastifyRequest): GatewayError {
    if (exception instanceof GatewayError) return exception;
    // The body parser's own refusal, worded as the lean listener words it.
    if (exception instanceof JsonBodyError) return jsonBodyRefusal(exception);
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
        return unknownEndpoint(request.method, request.url);
      case 413:
        return new GatewayError(
          413,
          `Request body is larger than the limit of ${this.maxBodyBytes} bytes.`,
          { code: 'request_too_large' },
        );
      case 415:
        return new GatewayError(
          400,
          'Unsupported content type: send the body as application/json.',
          {
            code: 'invalid_content_type',
          },
        );
      case undefined:
        break;
      default:
        if (status >= 400 && status < 500) {
          return unparsable
            ? jsonBodyRefusal(new JsonBodyError(message))
            : new GatewayError(status, message, { code: null });
        }
    }
    return gatewayFault(request.id);
  }
}
