import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CopyOut } from './copy-out.js';

async function readAll(stream: CopyOut): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream as AsyncIterable<Buffer>) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

const backendMessage = (type: string, body: Buffer | string) => {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(b.length + 4, 1);
  return Buffer.concat([head, b]);
};

describe('CopyOut against PostgreSQL', () => {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it("gives COPY's bytes exactly — quotes, separators, line breaks, multibyte text, NULL and empty, a 300 KB value", async () => {
    const big = 'x'.repeat(300_000);
    const query = `select * from (values (1, 'plain', null::text), (2, 'a "quoted", comma', ''), (3, E'two\\nlines\\r\\n', '日本語 ✓'), (4, '${big}', 'end')) as t(n, a, b) order by n`;
    const copy = client.query(new CopyOut(`copy (${query}) to stdout with (format csv, header true)`));
    const text = (await readAll(copy)).toString('utf8');
    expect(text).toBe(`n,a,b\n1,plain,\n2,"a ""quoted"", comma",""\n3,"two\nlines\r\n",日本語 ✓\n4,${big},end\n`);
    // The connection is pg's again: the next query on it works.
    expect((await client.query('select 41 + 1 as n')).rows).toEqual([{ n: 42 }]);
  });

  it('leaves out the notices PostgreSQL sends between rows', async () => {
    await client.query(`create or replace function pg_temp.noisy(i int) returns int language plpgsql as $$ begin raise notice 'row %', i; return i; end $$`);
    const notices: string[] = [];
    const onNotice = (n: { message?: string }) => notices.push(String(n.message));
    client.on('notice', onNotice);
    try {
      const text = (await readAll(client.query(new CopyOut('copy (select pg_temp.noisy(i) from generate_series(1, 500) as i) to stdout')))).toString();
      expect(text).toBe(`${Array.from({ length: 500 }, (_, i) => i + 1).join('\n')}\n`);
    } finally {
      client.off('notice', onNotice);
    }
  });

  it('fails with the error PostgreSQL raises midway, and the connection works afterwards', async () => {
    const copy = client.query(new CopyOut('copy (select 1 / (700 - i) from generate_series(1, 1000) as i) to stdout'));
    await expect(readAll(copy)).rejects.toThrow('division by zero');
    expect((await client.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
  });

  it('reads no further than the consumer takes: the rest waits in PostgreSQL, not in memory', async () => {
    // 20 MB of rows; the consumer asks once, then takes nothing for a while.
    const copy = client.query(new CopyOut(`copy (select repeat('x', 999) from generate_series(1, 20000)) to stdout`));
    await once(copy, 'readable');
    await new Promise((r) => setTimeout(r, 300));
    expect(copy.readableLength).toBeGreaterThan(0);
    expect(copy.readableLength).toBeLessThan(2_000_000);
    const all = await readAll(copy);
    expect(all.length).toBe(20000 * 1000);
    expect(all.equals(Buffer.from(`${'x'.repeat(999)}\n`.repeat(20000)))).toBe(true);
  });

  it("fails a query when pg's socket is not as it expects, and leaves the connection usable", async () => {
    const stream = (client as unknown as { connection: { stream: NodeJS.EventEmitter } }).connection.stream;
    const extra = () => undefined;
    stream.on('data', extra);
    try {
      await expect(readAll(client.query(new CopyOut('copy (select 1) to stdout')))).rejects.toThrow("CopyOut expects pg's one data listener, found 2");
    } finally {
      stream.off('data', extra);
    }
    expect((await client.query('select 3 as n')).rows).toEqual([{ n: 3 }]);
  });

  it('fails at once on a statement PostgreSQL refuses', async () => {
    await expect(readAll(client.query(new CopyOut('copy (select * from no_such_table) to stdout')))).rejects.toThrow('no_such_table');
    expect((await client.query('select 2 as n')).rows).toEqual([{ n: 2 }]);
  });
});

describe('CopyOut reading the socket', () => {
  // CopyOutResponse, rows (one split by nothing, one empty), a notice between rows, CopyDone, then
  // what pg reads itself: CommandComplete and ReadyForQuery.
  // The last row is 65 bytes, so its length field is 00 00 00 45: a read that starts at its last
  // byte starts with 0x45, an ErrorResponse's type, in the middle of a header.
  const rows = ['first,row\n', '', 'second "row"\n', 'a third, longer row\n', `${'r'.repeat(64)}\n`];
  const copyBytes = Buffer.concat([
    backendMessage('H', Buffer.from([0, 0, 1, 0, 0])),
    backendMessage('d', rows[0]),
    backendMessage('d', rows[1]),
    backendMessage('N', 'SNOTICE\0Mhello\0\0'),
    backendMessage('d', rows[2]),
    backendMessage('d', rows[3]),
    backendMessage('d', rows[4]),
    backendMessage('c', ''),
  ]);
  const pgBytes = Buffer.concat([backendMessage('C', 'COPY 5\0'), backendMessage('Z', 'I')]);
  const all = Buffer.concat([copyBytes, pgBytes]);

  /** A connection whose socket delivers `all` in the given pieces, each in its own read. */
  async function deliver(pieces: Buffer[]): Promise<{ out: Buffer; toPg: Buffer }> {
    const socket = new PassThrough();
    const toPg: Buffer[] = [];
    socket.on('data', (b: Buffer) => toPg.push(Buffer.from(b)));
    const copy = new CopyOut('copy (…) to stdout');
    copy.submit({ stream: socket, query: () => undefined } as never);
    const reading = readAll(copy);
    for (const piece of pieces) {
      socket.write(Buffer.from(piece));
      await new Promise((r) => setImmediate(r));
    }
    const out = await reading;
    await new Promise((r) => setImmediate(r));
    return { out, toPg: Buffer.concat(toPg) };
  }

  it('cuts the message headers out wherever the reads split them, and hands pg the rest byte for byte', async () => {
    for (let cut = 1; cut < all.length; cut++) {
      const { out, toPg } = await deliver([all.subarray(0, cut), all.subarray(cut)]);
      expect(out.toString(), `cut at ${cut}`).toBe(rows.join(''));
      expect(toPg.equals(pgBytes), `cut at ${cut}`).toBe(true);
    }
  });

  it('ends with the error pg reads, not before it, when an ErrorResponse is cut by a read', async () => {
    const error = backendMessage('E', 'SERROR\0C22012\0Mdivision by zero\0\0');
    const socket = new PassThrough();
    socket.on('data', () => undefined); // pg's own listener, given the error's bytes
    const copy = new CopyOut('copy (…) to stdout');
    copy.submit({ stream: socket, query: () => undefined } as never);
    const reading = readAll(copy);
    // Two rows, then the error's first two bytes: the rest of it comes later.
    socket.write(
      Buffer.concat([backendMessage('H', Buffer.from([0, 0, 0])), backendMessage('d', 'one\n'), backendMessage('d', 'two\n'), error.subarray(0, 2)]),
    );
    await new Promise((r) => setTimeout(r, 50));
    // pg, once it has the whole ErrorResponse, fails the query.
    copy.handleError(new Error('division by zero'));
    await expect(reading).rejects.toThrow('division by zero');
  });

  it('reads one byte at a time', async () => {
    const { out, toPg } = await deliver([...all].map((b) => Buffer.from([b])));
    expect(out.toString()).toBe(rows.join(''));
    expect(toPg.equals(pgBytes)).toBe(true);
  });
});
