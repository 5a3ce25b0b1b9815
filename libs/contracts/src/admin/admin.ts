// The admin API is served over HTTP by ingress and handled over NATS by the app that owns the data
// (channels: router; keys: usage-ledger). A handler answers with the HTTP status and JSON body to send back,
// so that ingress stays a thin relay and each owner decides its own errors (404, 409, ...).
import { z } from 'zod';
import { ChannelCreateSchema, ChannelPatchSchema } from '../channels/channel';
import { defineRequest } from '../define';
import { KeyCreateSchema, KeyPatchSchema } from '../keys/key';
import { MAX_USD, plainText } from './admin-fields';

export const AdminReplySchema = z.object({ status: z.number().int(), body: z.unknown() });
export type AdminReply = z.infer<typeof AdminReplySchema>;

/** Ids come from URLs: anything else than a well-formed id cannot exist (404), but must not reach storage. */
export const ById = z.object({ id: plainText(200) });
const Empty = z.object({});

export const AdminChannelCreate = defineRequest(
  'admin.channels.create.v1',
  ChannelCreateSchema,
  AdminReplySchema,
);
export const AdminChannelList = defineRequest('admin.channels.list.v1', Empty, AdminReplySchema);
export const AdminChannelGet = defineRequest('admin.channels.get.v1', ById, AdminReplySchema);
export const AdminChannelUpdate = defineRequest(
  'admin.channels.update.v1',
  ById.extend({ patch: ChannelPatchSchema }),
  AdminReplySchema,
);
export const AdminChannelDelete = defineRequest('admin.channels.delete.v1', ById, AdminReplySchema);

export const AdminKeyCreate = defineRequest(
  'admin.keys.create.v1',
  KeyCreateSchema,
  AdminReplySchema,
);
export const AdminKeyList = defineRequest('admin.keys.list.v1', Empty, AdminReplySchema);
export const AdminKeyGet = defineRequest('admin.keys.get.v1', ById, AdminReplySchema);
export const AdminKeyUpdate = defineRequest(
  'admin.keys.update.v1',
  ById.extend({ patch: KeyPatchSchema }),
  AdminReplySchema,
);
export const AdminKeyDelete = defineRequest('admin.keys.delete.v1', ById, AdminReplySchema);
export const AdminKeyCredit = defineRequest(
  'admin.keys.credit.v1',
  ById.extend({ amount_usd: z.number().min(0).max(MAX_USD) }),
  AdminReplySchema,
);

/** The JSON error body every admin route uses. */
export function adminError(status: number, message: string, details?: unknown): AdminReply {
  return { status, body: { error: { message, ...(details === undefined ? {} : { details }) } } };
}

/** A refusal by the owning app (unknown id, duplicate name, ...) that becomes an admin HTTP error. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Runs an admin operation and turns its result, or its AdminError, into the reply ingress relays. A value the
 * database refuses (SQLSTATE class 22, "data exception": a NUL byte, an out-of-range date or number) is the
 * caller's mistake that the edge schemas missed: a 400, never the 503 an unanswered request becomes.
 */
export async function adminReply(
  successStatus: number,
  run: () => Promise<unknown>,
): Promise<AdminReply> {
  try {
    const body = await run();
    return { status: body === undefined ? 204 : successStatus, body: body ?? null };
  } catch (err) {
    if (err instanceof AdminError) return adminError(err.status, err.message, err.details);
    const refused = dataExceptionOf(err);
    if (refused !== null) {
      return adminError(400, `Invalid request: a value cannot be stored (${refused}).`);
    }
    throw err;
  }
}

/**
 * The database's message when `err` is a Postgres data exception, else null. Read by shape (TypeORM's
 * QueryFailedError carries the driver's error with its SQLSTATE `code`), as contracts import no database code.
 */
export function dataExceptionOf(err: unknown): string | null {
  const driverError = (err as { driverError?: { code?: unknown; message?: unknown } } | null)
    ?.driverError;
  if (typeof driverError?.code !== 'string' || !driverError.code.startsWith('22')) return null;
  return typeof driverError.message === 'string' ? driverError.message : driverError.code;
}
