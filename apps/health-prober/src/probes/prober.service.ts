// Sends a probe to a channel and says what the answer means, with the classifier ingress uses for requests.
// Probes are rare (ejected and disabled channels, the admin test), so they share one undici Agent, on HTTP/1.1
// like ingress's upstream pools (undici 8 would otherwise negotiate HTTP/2): a probe speaks as requests do.
// What a probe's answer says goes into the channel's health (read by read-only admins) and the logs: the
// channel's credentials are redacted from it first.
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  ERROR_BODY_MAX_BYTES,
  answerHeadFault,
  classifyUpstreamError,
  classifyUpstreamStatus,
  jsonLimitsFor,
  parseUpstreamJson,
  readBodyHead,
  readBoundedBody,
  redactSecrets,
} from '@relaymesh/protocols';
import { healthProbes } from '@relaymesh/telemetry';
import { Agent, request } from 'undici';
import { KnownChannel } from '../channels/known-channel';
import { HealthProberEnv } from '../config/health-prober.env';
import { CallResult } from '../health/health-state-machine';
import { buildProbeRequest, probeModel } from './probe-request';

export interface ProbeResult extends CallResult {
  /** The upstream model asked for; null when there was nothing to ask. */
  model: string | null;
}

const MAX_MESSAGE = 500;

@Injectable()
export class Prober implements OnApplicationShutdown {
  /** Probes take the channel's keys in turn, so a revoked second key is found too. */
  private turn = 0;
  private readonly dispatcher = new Agent({ allowH2: false });

  constructor(private readonly env: HealthProberEnv) {}

  async onApplicationShutdown(): Promise<void> {
    await this.dispatcher.close();
  }

  async probe(channel: KnownChannel): Promise<ProbeResult> {
    const result = await this.send(channel);
    healthProbes.inc({ channel: channel.name, result: result.errorClass });
    return result;
  }

  private async send(channel: KnownChannel): Promise<ProbeResult> {
    // A mock channel answers locally in ingress: there is nothing upstream to fail.
    if (channel.type === 'mock') {
      return {
        errorClass: 'none',
        status: 200,
        latencyMs: 0,
        message: null,
        model: probeModel(channel),
      };
    }
    const key = channel.keys[this.turn++ % Math.max(1, channel.keys.length)] ?? '';
    const built = buildProbeRequest(channel, key);
    if (!built) {
      // Not a health failure: the channel is not routable for any model either way.
      return {
        errorClass: 'client',
        status: 0,
        latencyMs: 0,
        message: 'nothing to probe: the channel lists no model',
        model: null,
      };
    }
    const timeoutMs = Math.min(channel.timeout_ms, this.env.probeTimeoutMs);
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    try {
      const response = await request(`${built.origin}${built.path}`, {
        method: 'POST',
        headers: built.headers,
        body: built.body,
        dispatcher: this.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const status = response.statusCode;
      if (status >= 400) {
        const { text } = await readBodyHead(
          response.body,
          Math.min(this.env.maxUpstreamBodyBytes, ERROR_BODY_MAX_BYTES),
        );
        return {
          errorClass: classifyUpstreamStatus(status, text),
          status,
          latencyMs: elapsed(),
          message:
            redactSecrets(text, channel.secrets).slice(0, MAX_MESSAGE) || `upstream ${status}`,
          model: built.model,
        };
      }
      // Judged as ingress judges a request's answer: a redirect, an HTML page or an endless body is a failure.
      const fault = answerHeadFault(status, response.headers);
      if (fault !== null) {
        response.body.on('error', () => undefined);
        response.body.destroy();
        return {
          errorClass: 'server',
          status,
          latencyMs: elapsed(),
          message: `${channel.name}: answered ${status}, which is not an answer (${fault})`,
          model: built.model,
        };
      }
      const limit = this.env.maxUpstreamBodyBytes;
      const bytes = await readBoundedBody(response.body, limit, response.headers);
      parseUpstreamJson(bytes, response.headers, jsonLimitsFor(limit));
      return {
        errorClass: 'none',
        status,
        latencyMs: elapsed(),
        message: null,
        model: built.model,
      };
    } catch (err) {
      return {
        errorClass: classifyUpstreamError(err),
        status: 0,
        latencyMs: elapsed(),
        message: redactSecrets(`${channel.name}: ${(err as Error).message}`, channel.secrets).slice(
          0,
          MAX_MESSAGE,
        ),
        model: built.model,
      };
    }
  }
}
