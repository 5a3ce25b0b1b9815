// The Postgres frontend/backend wire messages as the embedded wire server (pglite-wire-server.ts) handles them:
// framing checks, what it refuses before PGlite sees it, and the few backend messages it writes itself. Pure.
//
// Why refuse rather than pass through: PGlite runs in this process, and some input stops it for good. A message
// whose length field is wrong reaches PGlite cut short and spins it inside WebAssembly (the event loop never
// comes back: the whole `npm start` hangs); `COPY ... FROM STDIN` makes it exit its runtime. Cursors (DECLARE,
// FETCH, MOVE, or an Execute that asks for a few rows at a time) keep state between units that another
// connection's unit would clobber, since every connection shares PGlite's one session.

/** Backend answers a unit can end with: the connection's transaction state, as ReadyForQuery reports it. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** Message types a client may send after start-up (protocol 3.0). */
const FRONTEND_TYPES = new Set([
  'B',
  'C',
  'D',
  'E',
  'H',
  'P',
  'Q',
  'S',
  'X',
  'F',
  'd',
  'c',
  'f',
  'p',
]);
/** Postgres's own bounds: a start-up packet is at most 10,000 bytes, any other message under 1 GB. */
const MAX_STARTUP_BYTES = 10_000;
const MAX_MESSAGE_BYTES = 0x3fffffff;

export const SQLSTATE = {
  protocolViolation: '08P01',
  featureNotSupported: '0A000',
  internalError: 'XX000',
} as const;

/** The next complete message at the start of `buffer`, or why there is none yet, or why there never will be. */
export type Framing =
  | { kind: 'incomplete' }
  | { kind: 'message'; type: string; bytes: number }
  | { kind: 'fault'; reason: string };

/** Start-up phase: length, then a protocol version or request code; no type byte. */
export function frameStartup(buffer: Buffer): Framing {
  if (buffer.length < 8) return { kind: 'incomplete' };
  const length = buffer.readInt32BE(0);
  if (length < 8 || length > MAX_STARTUP_BYTES) {
    return { kind: 'fault', reason: `invalid length of startup packet (${length})` };
  }
  return buffer.length < length
    ? { kind: 'incomplete' }
    : { kind: 'message', type: '', bytes: length };
}

/** After start-up: a type byte, then a length that counts itself. */
export function frameMessage(buffer: Buffer): Framing {
  if (buffer.length < 1) return { kind: 'incomplete' };
  const type = String.fromCharCode(buffer[0]);
  if (!FRONTEND_TYPES.has(type)) {
    return { kind: 'fault', reason: `invalid frontend message type ${buffer[0]}` };
  }
  if (buffer.length < 5) return { kind: 'incomplete' };
  const length = buffer.readInt32BE(1);
  if (length < 4 || length > MAX_MESSAGE_BYTES) {
    return { kind: 'fault', reason: `invalid message length ${length} for message type "${type}"` };
  }
  return buffer.length < 1 + length
    ? { kind: 'incomplete' }
    : { kind: 'message', type, bytes: 1 + length };
}

/** The NUL-terminated string at `offset`, and the offset after its NUL (-1 when there is no NUL). */
function cString(message: Buffer, offset: number): [string, number] {
  const end = message.indexOf(0, offset);
  if (end < 0) return ['', -1];
  return [message.toString('utf8', offset, end), end + 1];
}

/**
 * Why the embedded database will not run this message (a sentence for the client's error), or null. Refused:
 * COPY and cursor statements in a Query or Parse, an Execute that asks for a limited number of rows (a portal
 * kept open between units), the function-call and copy sub-protocols.
 */
export function refusalOf(message: Buffer): string | null {
  const type = String.fromCharCode(message[0]);
  switch (type) {
    case 'Q':
      return statementRefusal(cString(message, 5)[0]);
    case 'P': {
      const [, queryAt] = cString(message, 5);
      return queryAt < 0 ? null : statementRefusal(cString(message, queryAt)[0]);
    }
    case 'E': {
      const [, rowsAt] = cString(message, 5);
      const maxRows = rowsAt < 0 || rowsAt + 4 > message.length ? 0 : message.readInt32BE(rowsAt);
      return maxRows > 0
        ? unsupported('fetching a result a few rows at a time (a portal row limit)')
        : null;
    }
    case 'F':
      return unsupported('the function-call protocol');
    case 'd':
    case 'c':
    case 'f':
      return unsupported('COPY');
    default:
      return null;
  }
}

/** Any refused keyword anywhere: most statements have none, and skip the statement scan (2 ms on 27 KB). */
const MENTIONS_REFUSED = /copy|declare|fetch|move/i;

function statementRefusal(sql: string): string | null {
  if (!MENTIONS_REFUSED.test(sql)) return null;
  const keyword = leadingKeywords(sql).find((word) => REFUSED_STATEMENTS.has(word));
  if (keyword === undefined) return null;
  return unsupported(keyword === 'COPY' ? 'COPY' : `cursors (${keyword})`);
}

const REFUSED_STATEMENTS = new Set(['COPY', 'DECLARE', 'FETCH', 'MOVE']);

function unsupported(what: string): string {
  return (
    `the embedded database (PGlite) does not support ${what}; ` +
    'run relaymesh on a Postgres server (DATABASE_URL) for it'
  );
}

/**
 * The first word of each statement in `sql`, upper-cased. Skips comments (`--`, nested block comments), and
 * does not split inside string literals, quoted identifiers or dollar-quoted bodies, so a `;` or a keyword
 * there is not taken for a statement.
 */
export function leadingKeywords(sql: string): string[] {
  const words: string[] = [];
  let atStart = true;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (c === ';') {
      atStart = true;
      i++;
    } else if (isSpace(c)) {
      i++;
    } else if (c === "'") {
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e');
      i = skipQuoted(sql, i, "'", escapes);
      atStart = false;
    } else if (c === '"') {
      i = skipQuoted(sql, i, '"', false);
      atStart = false;
    } else if (
      c === '$' &&
      next !== undefined &&
      (isIdentStart(next) || next === '$') &&
      dollarTag(sql, i) !== null
    ) {
      const tag = dollarTag(sql, i)!;
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
      atStart = false;
    } else if (isIdentStart(c)) {
      let end = i;
      while (end < sql.length && isIdentPart(sql[end])) end++;
      if (atStart) words.push(sql.slice(i, end).toUpperCase());
      atStart = false;
      i = end;
    } else {
      atStart = false;
      i++;
    }
  }
  return words;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v';
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c === '$';
}

function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return i;
}

/** Past the closing quote; a doubled quote is one character, and in E'' strings so is a backslash pair. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return i;
}

/** `$tag$` (or `$$`) starting at `start`, or null when the `$` starts no dollar quote. */
function dollarTag(sql: string, start: number): string | null {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(start, start + 64));
  return match ? match[0] : null;
}

/** ErrorResponse: what a client's driver turns into an error with this SQLSTATE and message. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, message: string): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head[0] = 'E'.charCodeAt(0);
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}

/** ReadyForQuery: the unit is answered and the client may send the next. */
export function readyForQuery(status: TransactionStatus): Buffer {
  const message = Buffer.alloc(6);
  message[0] = 'Z'.charCodeAt(0);
  message.writeInt32BE(5, 1);
  message[5] = status.charCodeAt(0);
  return message;
}
