// Writes the access log (one JSON line per finished data-plane request) when RELAYMESH_ACCESS_LOG is on. Off by
// default: a synchronous stdout write per request is a cost on the hot path that metrics and the usage ledger
// already cover; turn it on for debugging or when logs are shipped anyway.
import { Injectable, Logger } from '@nestjs/common';
import { IngressEnv } from '../config/ingress.env';
import { RequestObservers } from '../http/request-trace';
import { accessLogEntry } from './access-log-line';

@Injectable()
export class AccessLog {
  private readonly logger = new Logger('AccessLog');

  constructor(env: IngressEnv, observers: RequestObservers) {
    if (!env.accessLog) return;
    observers.add((trace) =>
      this.logger.log(JSON.stringify(accessLogEntry(trace, performance.now()))),
    );
  }
}
