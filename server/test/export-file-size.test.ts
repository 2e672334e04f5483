import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUpAdmin, sql, startTestServer, type TestClient, type TestServer } from './harness.js';

// An export's file size was an int column: a file of 2 GiB (2^31 bytes) or more was written whole,
// then could not be marked READY ("integer out of range"), and the export failed. A test cannot
// write 2 GiB, so the writer reports a size it did not write: the rest of the path (the READY
// update, the ORM's read, GraphQL, the download's Content-Length) is the real one.

/** The size the writer reports for the next files it writes, instead of theirs; null: their own. */
const pretend = vi.hoisted(() => ({ bytes: null as number | null }));
vi.mock('../src/modules/export/export.file.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/modules/export/export.file.js')>();
  return {
    ...real,
    writeCsv: async (opts: Parameters<typeof real.writeCsv>[0]) => {
      const written = await real.writeCsv(opts);
      return written && pretend.bytes !== null ? { ...written, bytes: pretend.bytes } : written;
    },
  };
});

const THREE_GB = 3 * 2 ** 30;
const GET = `query($id: ID!) { export(id: $id) { status fileSize fileSizeBytes downloadUrl } }`;

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  const a = await signUpAdmin(server, 'Large files');
  admin = a.client;
  await sql(
    server.databaseUrl,
    `insert into contact (id, team_id, email, created_at, updated_at)
     select gen_random_uuid(), $1, 'c' || i || '@example.com', now(), now() from generate_series(1, 5) i`,
    [a.user.team.id],
  );
});

afterAll(async () => {
  pretend.bytes = null;
  await server?.stop();
});

describe('an export file of 2 GiB or more', () => {
  it('is marked READY, and its size is read back through GraphQL (fileSizeBytes) and the download (Content-Length) without an error', async () => {
    pretend.bytes = THREE_GB;
    const created = await admin.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status fileSize fileSizeBytes } }`);
    pretend.bytes = null;
    expect(created.errors).toBeUndefined();
    expect(created.data!.createExport).toMatchObject({ status: 'READY', fileSize: null, fileSizeBytes: THREE_GB });
    const id = created.data!.createExport.id as string;
    expect((await sql<{ file_size: string }>(server.databaseUrl, 'select file_size from export where id = $1', [id]))[0].file_size).toBe(String(THREE_GB));

    const read = await admin.gql(GET, { id });
    expect(read.errors).toBeUndefined();
    expect(read.data!.export).toMatchObject({ status: 'READY', fileSize: null, fileSizeBytes: THREE_GB });
    const list = await admin.gql(`{ exports { edges { node { id fileSize fileSizeBytes } } } }`);
    expect(list.errors).toBeUndefined();
    expect(list.data!.exports.edges.map((e: { node: unknown }) => e.node)).toEqual([{ id, fileSize: null, fileSizeBytes: THREE_GB }]);

    // The download announces the size it was told; the file here is a few bytes, so it is then cut short.
    const res = await fetch(read.data!.export.downloadUrl.replace(server.config.PUBLIC_URL, server.url), { headers: { cookie: admin.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(THREE_GB));
    await res.body?.cancel();
  });

  it('fileSize gives sizes up to 2^31 - 1 bytes, GraphQL Int’s largest, and null from 2^31 on; fileSizeBytes gives them all', async () => {
    const created = await admin.gql(`mutation { createExport(input: { resource: CONTACTS }) { id status fileSize fileSizeBytes } }`);
    expect(created.errors).toBeUndefined();
    const { id, fileSize } = created.data!.createExport;
    expect(fileSize).toBeGreaterThan(0);
    expect(created.data!.createExport.fileSizeBytes).toBe(fileSize);
    for (const [size, asInt] of [
      [2 ** 31 - 1, 2 ** 31 - 1],
      [2 ** 31, null],
      [2 ** 53 - 1, null],
    ]) {
      await sql(server.databaseUrl, 'update export set file_size = $2 where id = $1', [id, size]);
      const read = await admin.gql(GET, { id });
      expect(read.errors, String(size)).toBeUndefined();
      expect(read.data!.export, String(size)).toMatchObject({ fileSize: asInt, fileSizeBytes: size });
    }
  });
});
