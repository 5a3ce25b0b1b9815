// Body logging (issue 19, off by default): the client's request body as received and the answer sent to it,
// each cut to the operator's cap and with credentials redacted by ingress, carried on the usage record (one
// message, one owner: the record's id keys the ledger's `request_bodies` row) and returned by
// `GET /admin/requests/{request_id}`. Bounded here too, so no record is refused for its size: the cap is at most
// MAX_LOGGED_BODY_CHARS, and the record stays well under the NATS payload limit (1 MiB by default).
import { z } from 'zod';

/** The most characters of one body a record carries, whatever RELAYMESH_BODY_LOG_MAX_BYTES says. */
export const MAX_LOGGED_BODY_CHARS = 256 * 1024;

/**
 * Postgres refuses a NUL in text and JSON a lone UTF-16 surrogate; unlike a name, a body keeps its newlines and
 * tabs (SSE frames, pretty-printed JSON), so only those are replaced. Without the `u` flag: code units.
 */
const UNSTORABLE_IN_BODY =
  /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `body` storable as Postgres text, at most MAX_LOGGED_BODY_CHARS long. Pure, idempotent. */
export function storableBody(body: string): string {
  let text = body.length > MAX_LOGGED_BODY_CHARS ? body.slice(0, MAX_LOGGED_BODY_CHARS) : body;
  text = text.replace(UNSTORABLE_IN_BODY, '\ufffd');
  return text;
}

const loggedBody = z.string().transform(storableBody).nullable();

export const RequestBodiesSchema = z.object({
  /** The client's request body as received (null: there was none, e.g. a GET). */
  request: loggedBody,
  /** The answer sent to the client: a non-stream body, or a stream's bytes as sent. */
  response: loggedBody,
  /** Whether either body was longer than the cap and cut (the text ends where the cap fell). */
  truncated: z.boolean(),
});
export type RequestBodies = z.infer<typeof RequestBodiesSchema>;
