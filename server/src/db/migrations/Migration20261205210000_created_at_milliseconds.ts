import { Migration } from '@mikro-orm/migrations';

/**
 * The lists' `created_at` kept to the millisecond, as the server writes it (a JS Date) and as a
 * page's cursor holds it. A row written with microseconds — by SQL's `now()`, a restore or a
 * backfill — was read back cut to its millisecond, and the next page, asked for what comes after
 * that, skipped the rows of the same millisecond (`exports(first: 1)` over four rows at .123456,
 * .123400, .123300 and .122 listed two). Stored to the millisecond, each row's cursor is its exact
 * place. Each table is rewritten once (its indexes with it), under its lock.
 * `usage_log` keeps its microseconds: its keyset reads them (usage-log.query.ts).
 */
const TABLES = ['email', 'contact', 'broadcast', 'export', 'audit_event', 'domain', 'api_key'];

export class Migration20261205210000_created_at_milliseconds extends Migration {
  override async up(): Promise<void> {
    for (const table of TABLES) this.addSql(`alter table "${table}" alter column "created_at" type timestamptz(3);`);
  }
}
