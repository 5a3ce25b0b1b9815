// Reading a channel's JSON answer: within the attempt's byte limit, parsed within a memory budget, then
// relayed byte for byte (same format: only usage is read from it) or rendered for the client (translated).
// Each returns what it served, or the failure that lets another channel try (too large, not JSON, not UTF-8,
// a JSON bomb, an answer the adapter cannot read: D3, D8).
import {
  classifyUpstreamError,
  jsonLimitsFor,
  parseUpstreamJson,
  readBoundedBody,
} from '@relaymesh/protocols';
import { Dispatcher } from 'undici';
import { DataPlaneReply } from '../http/exchange';
import type { AnswerReading } from '../plan/relay-plan';
import { AttemptContext, AttemptFailure, AttemptResult } from './attempt';
import { failureCode } from './failure-text';
import { responseModelOf } from './response-model';

/** The answer's JSON and its text, or the failure. */
export async function readJsonAnswer(
  response: Dispatcher.ResponseData,
  attempt: AttemptContext,
): Promise<{ value: unknown; text: string } | AttemptFailure> {
  const { bodyBytes } = attempt.limits;
  try {
    const bytes = await readBoundedBody(response.body, bodyBytes, response.headers);
    return parseUpstreamJson(bytes, response.headers, jsonLimitsFor(bodyBytes));
  } catch (err) {
    return {
      ok: false,
      errorClass: classifyUpstreamError(err),
      status: response.statusCode,
      message: `${attempt.channel.name}: ${(err as Error).message}`,
      reason: failureCode(err),
    };
  }
}

/** Relays or renders a JSON answer, as the reading says. */
export async function answerJson(
  response: Dispatcher.ResponseData,
  reply: DataPlaneReply,
  attempt: AttemptContext,
  reading: Extract<AnswerReading, { kind: 'relay_json' | 'render_json' }>,
): Promise<AttemptResult> {
  const answer = await readJsonAnswer(response, attempt);
  if ('ok' in answer) return answer;
  if (reading.kind === 'relay_json') {
    attempt.committed();
    const served = {
      ok: true as const,
      usage: reading.usageOf(answer.value),
      responseModel: responseModelOf(answer.value),
      firstByteAt: performance.now(),
      lateError: null,
      storedIds: reading.storedIdsOf?.(answer.value),
    };
    await reply
      .code(response.statusCode)
      .header('content-type', String(response.headers['content-type'] ?? 'application/json'))
      .send(answer.text);
    return served;
  }
  let rendered;
  try {
    rendered = reading.render(answer.value);
  } catch (err) {
    return {
      ok: false,
      errorClass: 'server',
      status: response.statusCode,
      message: `${attempt.channel.name}: unreadable upstream answer: ${(err as Error).message}`,
      reason: 'unreadable',
    };
  }
  attempt.committed();
  const firstByteAt = performance.now();
  await reply.code(200).send(rendered.body);
  return {
    ok: true,
    usage: rendered.usage,
    responseModel: rendered.responseModel,
    firstByteAt,
    lateError: null,
  };
}
