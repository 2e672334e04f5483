import { Migration } from '@mikro-orm/migrations';

export class Migration20261203120000_scheduled_emails extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "email" add column "scheduled_at" timestamptz null, add column "message_id" varchar(512) null;`);
    // Existing emails get the Message-ID they would have had: <id@sending domain>.
    this.addSql(`update "email" set "message_id" = '<' || "id" || '@' || coalesce(substring("from" from '@([^@<>\\s]+)>?\\s*$'), 'keyring.local') || '>';`);
    // The due-email job looks for scheduled emails by time.
    this.addSql(`create index "email_scheduled_index" on "email" ("scheduled_at") where status = 'scheduled';`);
  }
}
