/**
 * Creates an export, follows its progress over the WebSocket with a progress bar, and saves the
 * CSV when it is READY.
 *
 *   KEYRING_URL=http://localhost:4000 KEYRING_API_KEY=re_… \
 *     pnpm --filter @keyring/examples export-and-wait --resource LOGS --days 7 --filters '{"statusClass":4}' --out errors.csv
 *
 * Prints the saved file's path on stdout, progress and errors on stderr. Exits 0 once the file is
 * saved, 1 when the export fails (or expires) or Keyring refuses a request, 2 on bad arguments.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { graphql } from './gql/index.js';
import type { ExportResource } from './gql/graphql.js';
import { connect, download, type KeyringOptions, KeyringError, optionsFromEnv, reportFailure, request, subscribe, UsageError } from './keyring.js';

// The fields every event of this script reads.
graphql(`
  fragment ExportAndWait_export on Export {
    id
    resource
    status
    processedRows
    estimatedRowCount
    rowCount
    fileSizeBytes
    downloadUrl
    error
  }
`);

const CreateExport = graphql(`
  mutation ExportAndWaitCreate($input: CreateExportInput!) {
    createExport(input: $input) {
      ...ExportAndWait_export
    }
  }
`);

const ExportProgress = graphql(`
  subscription ExportAndWaitProgress($id: ID!) {
    exportProgress(id: $id) {
      ...ExportAndWait_export
    }
  }
`);

const RESOURCES: readonly ExportResource[] = ['API_KEYS', 'BROADCASTS', 'CONTACTS', 'DOMAINS', 'EMAILS', 'LOGS'];
const USAGE = `usage: export-and-wait --resource ${RESOURCES.join('|')} [--filters JSON] [--days N] [--out FILE]`;

type Args = { resource: ExportResource; filters: Record<string, unknown>; out: string | undefined };

function parseCommandLine(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      resource: { type: 'string' },
      filters: { type: 'string' },
      days: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const resource = RESOURCES.find((r) => r === values.resource?.toUpperCase());
  if (!resource) throw new UsageError(`${USAGE}\n--resource is required.`);
  let filters: Record<string, unknown> = {};
  if (values.filters !== undefined) {
    try {
      filters = JSON.parse(values.filters);
    } catch {
      throw new UsageError(`${USAGE}\n--filters must be a JSON object, like '{"statusClass":4}'.`);
    }
  }
  if (values.days !== undefined) {
    const days = Number(values.days);
    if (!Number.isFinite(days) || days <= 0) throw new UsageError(`${USAGE}\n--days must be a positive number.`);
    // "The last N days": the server takes ISO-8601 date-times for its date filters.
    filters = { ...filters, from: new Date(Date.now() - days * 86_400_000).toISOString() };
  }
  return { resource, filters, out: values.out };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2));
  const opts: KeyringOptions = optionsFromEnv();
  const { createExport: created } = await request(opts, CreateExport, { input: { resource: args.resource, filters: args.filters } });
  console.error(`export ${created.id} ${created.resource} ${created.status}`);

  let final = created;
  if (created.status === 'PROCESSING') {
    const bar = new SingleBar({
      format: `${created.resource} export |{bar}| {percentage}% | {value}/{total} rows`,
      stream: process.stderr,
      // Outside a terminal (CI logs, cron mail) a line every second instead of redrawing.
      noTTYOutput: true,
      notTTYSchedule: 1000,
    });
    bar.start(created.estimatedRowCount ?? 0, created.processedRows);
    const ws = connect(opts);
    try {
      for await (const { exportProgress: exp } of subscribe(ws, ExportProgress, { id: created.id })) {
        final = exp;
        // The estimate is PostgreSQL's guess: once the real count is known (or exceeded), it wins.
        const total = exp.rowCount ?? Math.max(exp.estimatedRowCount ?? 0, exp.processedRows);
        bar.setTotal(total);
        bar.update(exp.status === 'READY' ? total : exp.processedRows);
      }
    } finally {
      bar.stop();
      await ws.dispose();
    }
  }

  if (final.status === 'FAILED') throw new KeyringError(`Export ${final.id} failed: ${final.error ?? 'no reason given'}`, 'EXPORT_FAILED');
  if (final.status !== 'READY') throw new KeyringError(`Export ${final.id} is ${final.status}.`, `EXPORT_${final.status}`);
  if (!final.downloadUrl) throw new KeyringError('The export has no download URL: is this a full-access key?', 'FORBIDDEN');
  const file = args.out ?? `keyring-${final.resource.toLowerCase().replace('_', '-')}-${final.id.slice(0, 8)}.csv`;
  const bytes = await download(opts, final.downloadUrl, file);
  console.error(`saved ${final.rowCount ?? '?'} rows, ${bytes} bytes`);
  console.log(path.resolve(file));
}

main().catch(reportFailure);
