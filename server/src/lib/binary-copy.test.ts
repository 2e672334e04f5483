import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { binaryCopyValues } from './binary-copy.js';
import { CopyOut } from './copy-out.js';

async function* pieces(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
}

async function readAll(input: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const b of binaryCopyValues(input)) out.push(Buffer.from(b));
  return out;
}

describe('binaryCopyValues', () => {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  // Values with bytes that text decoding would mangle: a character cut in two, NUL, 0xff, and an empty value.
  const values = [Buffer.from('日本', 'utf8').subarray(0, 4), Buffer.from([0, 255, 10, 13, 92]), Buffer.alloc(0), Buffer.from('a,b\n"c"')];
  let copied: Buffer;

  const copy = async (query: string) => {
    const chunks: Buffer[] = [];
    for await (const b of client.query(new CopyOut(`copy (${query}) to stdout (format binary)`)) as AsyncIterable<Buffer>) chunks.push(b);
    return Buffer.concat(chunks);
  };

  beforeAll(async () => {
    await client.connect();
    const rows = values.map((v) => `('\\x${v.toString('hex')}'::bytea, ${values.indexOf(v)})`).join(', ');
    copied = await copy(`select v from (values ${rows}) as t(v, i) order by i`);
  });
  afterAll(() => client.end());

  it("gives back each value's bytes exactly, as PostgreSQL's binary COPY sends them (an empty value is skipped)", async () => {
    expect(await readAll(pieces(copied, []))).toEqual(values.filter((v) => v.length > 0));
  });

  it('reads the same whatever the input is cut into', async () => {
    for (let cut = 1; cut < copied.length; cut++) {
      const got = Buffer.concat(await readAll(pieces(copied, [cut])));
      expect(got.equals(Buffer.concat(values)), `cut at ${cut}`).toBe(true);
    }
    const everyByte = Array.from({ length: copied.length - 1 }, (_, i) => i + 1);
    expect(Buffer.concat(await readAll(pieces(copied, everyByte))).equals(Buffer.concat(values))).toBe(true);
  });

  it('reads an empty result', async () => {
    expect(await readAll(pieces(await copy('select null::bytea where false'), []))).toEqual([]);
  });

  it('refuses input that is not a one-column binary copy, or ends early', async () => {
    await expect(readAll(pieces(Buffer.from('id,name,created_at\n1,a,2026-01-01T00:00:00Z\n'), []))).rejects.toThrow(/bad signature/);
    await expect(readAll(pieces(await copy(`select 'a'::bytea, 'b'::bytea`), []))).rejects.toThrow(/one column/);
    await expect(readAll(pieces(await copy('select null::bytea'), []))).rejects.toThrow(/NULL/);
    await expect(readAll(pieces(copied.subarray(0, copied.length - 3), []))).rejects.toThrow(/ended early/);
  });
});
