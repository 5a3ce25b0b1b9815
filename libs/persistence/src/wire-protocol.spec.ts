import { EMBEDDED_POSTGRES_MAJOR, dataDirMismatch } from './embedded-postgres-config';
import {
  errorResponse,
  frameMessage,
  frameStartup,
  leadingKeywords,
  readyForQuery,
  refusalOf,
} from './wire-protocol';

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
const query = (sql: string) => message('Q', Buffer.from(`${sql}\0`));
const parse = (sql: string) =>
  message('P', Buffer.concat([Buffer.from(`\0${sql}\0`), Buffer.alloc(2)]));
function execute(maxRows: number): Buffer {
  const rows = Buffer.alloc(4);
  rows.writeInt32BE(maxRows);
  return message('E', Buffer.concat([Buffer.from('\0'), rows]));
}

describe('frameMessage', () => {
  it('waits for a whole message, then gives its type and size', () => {
    const q = query('SELECT 1');
    expect(frameMessage(q.subarray(0, 3))).toEqual({ kind: 'incomplete' });
    expect(frameMessage(q.subarray(0, q.length - 1))).toEqual({ kind: 'incomplete' });
    expect(frameMessage(Buffer.concat([q, q]))).toEqual({
      kind: 'message',
      type: 'Q',
      bytes: q.length,
    });
  });

  it('refuses a length that does not count itself, or one past 1 GB, and an unknown type', () => {
    expect(frameMessage(Buffer.from([0x51, 0xff, 0xff, 0xff, 0xfb, 0x41]))).toMatchObject({
      kind: 'fault',
      reason: expect.stringContaining('invalid message length -5'),
    });
    expect(frameMessage(Buffer.from([0x51, 0, 0, 0, 3]))).toMatchObject({ kind: 'fault' });
    expect(frameMessage(Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]))).toMatchObject({
      kind: 'fault',
    });
    expect(frameMessage(Buffer.from('z'))).toMatchObject({
      kind: 'fault',
      reason: 'invalid frontend message type 122',
    });
  });
});

describe('frameStartup', () => {
  it('takes a start-up packet of 8 to 10,000 bytes', () => {
    const packet = Buffer.alloc(8);
    packet.writeInt32BE(8);
    packet.writeInt32BE(80877103, 4);
    expect(frameStartup(packet)).toEqual({ kind: 'message', type: '', bytes: 8 });
    packet.writeInt32BE(4);
    expect(frameStartup(packet)).toMatchObject({ kind: 'fault' });
    packet.writeInt32BE(10_001);
    expect(frameStartup(packet)).toMatchObject({ kind: 'fault' });
  });
});

describe('refusalOf', () => {
  it.each([
    'COPY t FROM STDIN',
    'copy (select 1) to stdout',
    '  -- a comment\n  /* and /* a nested */ one */ COPY t FROM STDIN',
    'SELECT 1; DECLARE c CURSOR FOR SELECT 1',
    'FETCH 10 FROM c',
    'move next in c',
  ])('refuses %j in a simple query and in a Parse', (sql) => {
    expect(refusalOf(query(sql))).toMatch(/embedded database \(PGlite\) does not support/);
    expect(refusalOf(parse(sql))).toMatch(/does not support/);
  });

  it.each([
    'SELECT 1',
    "SELECT 'a; COPY t FROM STDIN'",
    "SELECT E'\\'; COPY x' AS a",
    'SELECT "copy"; SELECT 2',
    'CREATE FUNCTION f() RETURNS int AS $body$ BEGIN FETCH c INTO x; END $body$ LANGUAGE plpgsql',
    'INSERT INTO usage_records (copy) VALUES ($1)',
    '-- COPY t FROM STDIN\nSELECT 1',
  ])('lets %j through', (sql) => {
    expect(refusalOf(query(sql))).toBeNull();
    expect(refusalOf(parse(sql))).toBeNull();
  });

  it('refuses an Execute that fetches a few rows at a time, not one that fetches all', () => {
    expect(refusalOf(execute(100))).toMatch(/row limit/);
    expect(refusalOf(execute(0))).toBeNull();
  });

  it('refuses the function-call and copy sub-protocols', () => {
    for (const type of ['F', 'd', 'c', 'f']) {
      expect(refusalOf(message(type, Buffer.alloc(4)))).toMatch(/does not support/);
    }
    expect(refusalOf(message('S', Buffer.alloc(0)))).toBeNull();
  });
});

describe('leadingKeywords', () => {
  it('gives the first word of each statement', () => {
    expect(leadingKeywords('select 1; ;begin; update t set a = 1 /* ; copy */; commit')).toEqual([
      'SELECT',
      'BEGIN',
      'UPDATE',
      'COMMIT',
    ]);
  });
});

describe('backend messages', () => {
  it('encodes an ErrorResponse a driver reads as severity, code and message', () => {
    const bytes = errorResponse('ERROR', '0A000', 'no');
    expect(bytes[0]).toBe('E'.charCodeAt(0));
    expect(bytes.readInt32BE(1)).toBe(bytes.length - 1);
    expect(bytes.subarray(5).toString()).toBe('SERROR\0VERROR\0C0A000\0Mno\0\0');
  });

  it('encodes ReadyForQuery with the transaction status', () => {
    expect([...readyForQuery('T')]).toEqual([0x5a, 0, 0, 0, 5, 0x54]);
  });
});

describe('dataDirMismatch', () => {
  it('opens a new directory or one of its own major', () => {
    expect(dataDirMismatch('/d', null)).toBeNull();
    expect(dataDirMismatch('/d', `${EMBEDDED_POSTGRES_MAJOR}\n`)).toBeNull();
  });

  it("says what to do with another major's directory", () => {
    expect(dataDirMismatch('/d/pglite', '18\n')).toMatch(
      /in \/d\/pglite was made by Postgres 18; this relaymesh embeds Postgres 19 .*RELAYMESH_DATA_DIR/,
    );
  });
});
