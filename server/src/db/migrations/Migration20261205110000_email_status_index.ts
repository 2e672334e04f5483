import { Migration } from '@mikro-orm/migrations';

/**
 * A team's emails of one rare status (failed, canceled, scheduled) in time order, for the Emails
 * filters: a status matching few of 400,000 emails read them all (150–190 ms over REST for 40
 * canceled ones; 9–13 ms with it). Partial, so the send path never writes it: an email is
 * inserted queued and updated to sent (a full index on status: 22 % more WAL per insert,
 * bench/statements.ts). Built in 0.4 s at 400,000 emails, holding sends that long.
 */
export class Migration20261205110000_email_status_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "email_team_status_time_index" on "email" ("team_id", "status", "created_at", "id") where status in ('failed', 'canceled', 'scheduled');`,
    );
  }
}
