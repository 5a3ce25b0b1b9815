// Decorators for NATS handlers that take the contract instead of a bare subject string, and a pipe that
// validates every inbound payload against its contract's schema at the transport edge (STYLE: validate once).
import { Injectable, Logger, PipeTransform, applyDecorators } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  ContractViolation,
  EventContract,
  RequestContract,
  parsePayload,
} from '@relaymesh/contracts';

/** The queue group shared by all replicas of an app: a request, or a shared event, reaches one of them. */
export const WORK_QUEUE = 'relaymesh-workers';

/**
 * Handles an event. `shared: true` puts the handler in a queue group (work shared across replicas, e.g. the
 * prober judging outcomes); the default is a broadcast every replica receives (snapshots, key changes).
 */
export function OnEvent(event: EventContract, options: { shared?: boolean } = {}): MethodDecorator {
  return applyDecorators(
    // `<string>`: the plain-pattern overload (Nest 12 types `EventPattern(topic)` as a key of an event map).
    EventPattern<string>(event.subject, options.shared ? { queue: WORK_QUEUE } : {}),
  );
}

/** Handles a request; exactly one replica answers. */
export function OnRequest(request: RequestContract): MethodDecorator {
  return applyDecorators(MessagePattern(request.subject, { queue: WORK_QUEUE }));
}

@Injectable()
class ContractPipe implements PipeTransform {
  private readonly logger = new Logger('ContractPipe');

  constructor(private readonly contract: EventContract | RequestContract) {}

  transform(value: unknown): unknown {
    const schema = this.contract.kind === 'event' ? this.contract.schema : this.contract.request;
    try {
      return parsePayload(this.contract.subject, schema, value);
    } catch (err) {
      if (err instanceof ContractViolation) {
        this.logger.warn(err.message);
        throw new RpcException({ status: 400, message: err.message });
      }
      throw err;
    }
  }
}

/** The handler's payload, validated against the contract. */
export function ContractPayload(contract: EventContract | RequestContract): ParameterDecorator {
  return Payload(new ContractPipe(contract));
}
