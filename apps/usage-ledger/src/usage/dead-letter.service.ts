// The dead letters on the admin API (issue 15, D1): listed for an operator, and replayed once the cause of a
// refusal is fixed (a missing migration, a trigger, a price). A replay goes through the same two steps as a
// record from the stream: the usage.recorded contract (which normalises every text field) and the writer's own
// commit (priced, debited once: a record id already stored is not debited again), with the dead letter taken
// in that same transaction, so a record is either parked or stored, never both and never neither.
import { Injectable, Logger } from '@nestjs/common';
import {
  AdminError,
  ContractViolation,
  DeadLetterQuery,
  DeadLetterView,
  UsageRecord,
  UsageRecorded,
  UsageView,
  parsePayload,
} from '@relaymesh/contracts';
import { isDataError } from '@relaymesh/persistence';
import { DeadLetterRepository } from './dead-letter.repository';
import { UsageWriter, refusalReason } from './usage-writer.service';
import { UsageRepository } from './usage.repository';

/** The parked payload as a usage record, validated and normalised as the consumer would; a 400 if it cannot be. */
export function replayableRecord(payload: unknown): UsageRecord {
  try {
    return parsePayload(UsageRecorded.subject, UsageRecorded.schema, payload);
  } catch (err) {
    if (!(err instanceof ContractViolation)) throw err;
    throw new AdminError(
      400,
      `The parked record still cannot be replayed: ${err.message}`,
      err.issues,
    );
  }
}

@Injectable()
export class DeadLetterService {
  private readonly logger = new Logger(DeadLetterService.name);

  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly writer: UsageWriter,
    private readonly usage: UsageRepository,
  ) {}

  list(query: DeadLetterQuery): Promise<DeadLetterView[]> {
    return this.deadLetters.list(query);
  }

  /** Stores the parked record and removes its dead letter; answers the stored usage record. */
  async replay(id: string): Promise<UsageView> {
    const letter = await this.deadLetters.find(id);
    if (letter === null) throw new AdminError(404, `No dead letter with id ${id}.`);
    const record = replayableRecord(letter.record);
    try {
      await this.writer.commitRecords([record], async (tx) => {
        if (!(await this.deadLetters.takeIn(tx, id))) {
          throw new AdminError(404, `No dead letter with id ${id} (replayed meanwhile).`);
        }
      });
    } catch (err) {
      if (!isDataError(err)) throw err;
      throw new AdminError(
        409,
        `Postgres still refuses the parked record; the dead letter stays (${refusalReason(err)}).`,
      );
    }
    const stored = await this.usage.get(record.id);
    if (stored === null) throw new Error(`usage record ${record.id} not found after its replay`);
    this.logger.log(
      `dead letter ${id} (message ${letter.msg_id}) replayed as usage record ${record.id}`,
    );
    return stored;
  }
}
