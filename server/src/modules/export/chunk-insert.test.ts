import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/harness.js';
import { ChunkInsert } from './chunk-insert.js';

describe('ChunkInsert', () => {
  let url: string;
  const client = () => new pg.Client({ connectionString: url });
  const db = { current: undefined as unknown as pg.Client };
  const exportId = randomUUID();

  beforeAll(async () => {
    url = await createTestDatabase('chunk_insert');
    db.current = client();
    await db.current.connect();
    // The two tables as the exports migration makes them.
    await db.current.query(`create table export (id uuid primary key)`);
    await db.current.query(
      `create table export_chunk (export_id uuid not null references export (id) on delete cascade, attempt uuid not null, seq int not null, data bytea not null, primary key (export_id, attempt, seq))`,
    );
    await db.current.query('insert into export (id) values ($1)', [exportId]);
  });
  afterAll(() => db.current.end());

  const insert = (c: pg.Client, attempt: string, seq: number, data: Buffer) => c.query(new ChunkInsert(exportId, attempt, seq, data)).done;
  const stored = async (attempt: string) =>
    (await db.current.query<{ seq: number; data: Buffer }>('select seq, data from export_chunk where attempt = $1 order by seq', [attempt])).rows;

  it('stores every byte of each chunk under its export, attempt and seq — a 256 KB chunk, bytes text would mangle, an empty one', async () => {
    const attempt = randomUUID();
    const chunks = [randomBytes(256 << 10), Buffer.from([0, 0xff, 0x0a, 0x5c, 0x22]), Buffer.alloc(0), Buffer.from('日本語,"x"\n')];
    for (const [seq, data] of chunks.entries()) await insert(db.current, attempt, seq, data);
    const rows = await stored(attempt);
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    for (const [i, r] of rows.entries()) expect(r.data.equals(chunks[i]), `chunk ${i}`).toBe(true);
    // The largest seq an export can reach fits the int parameter.
    await insert(db.current, attempt, 2 ** 31 - 1, Buffer.from('last'));
    expect((await stored(attempt)).at(-1)?.seq).toBe(2 ** 31 - 1);
  });

  it("fails with PostgreSQL's error, stores nothing and leaves the connection usable: an unknown export, a seq stored already", async () => {
    const attempt = randomUUID();
    await expect(db.current.query(new ChunkInsert(randomUUID(), attempt, 0, Buffer.from('orphan'))).done).rejects.toMatchObject({ code: '23503' });
    await insert(db.current, attempt, 0, Buffer.from('first'));
    await expect(insert(db.current, attempt, 0, Buffer.from('again'))).rejects.toMatchObject({ code: '23505' });
    expect((await stored(attempt)).map((r) => r.data.toString())).toEqual(['first']);
    expect((await db.current.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('refuses an id that is not a uuid before sending anything', () => {
    const id = randomUUID();
    for (const bad of ['not-a-uuid', `0${id}`, `${id}0`, id.slice(1)]) {
      expect(() => new ChunkInsert(bad, randomUUID(), 0, Buffer.alloc(1)), bad).toThrow('not a uuid');
      expect(() => new ChunkInsert(exportId, bad, 0, Buffer.alloc(1)), bad).toThrow('not a uuid');
    }
  });

  it('fails, rather than waits forever, when the connection is cut while inserting', async () => {
    const c = client();
    await c.connect();
    c.on('error', () => undefined);
    const pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    // Held behind a lock, then its backend is terminated.
    const attempt = randomUUID();
    await db.current.query('begin');
    await db.current.query('lock table export_chunk in exclusive mode');
    const pending = insert(c, attempt, 0, Buffer.from('never'));
    const failed = expect(pending).rejects.toThrow('terminating connection');
    await new Promise((r) => setTimeout(r, 100));
    const admin = client();
    await admin.connect();
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await admin.end();
    await failed;
    await db.current.query('rollback');
    expect(await stored(attempt)).toEqual([]);
  });
});
