import { Migration } from '@mikro-orm/migrations';

export class Migration20261128025000_emails extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "email" ("id" uuid not null, "team_id" uuid not null, "api_key_id" uuid null, "from" varchar(320) not null, "to" jsonb not null, "cc" jsonb not null, "bcc" jsonb not null, "reply_to" jsonb not null, "subject" varchar(998) not null, "html" text null, "text" text null, "headers" jsonb null, "tags" jsonb null, "attachments" jsonb null, "status" varchar(16) not null default 'queued', "error" varchar(500) null, "idempotency_key" varchar(256) null, "request_hash" varchar(64) null, "sent_at" timestamptz null, "claimed_at" timestamptz null, "created_at" timestamptz not null, constraint "email_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "email" add constraint "email_team_id_foreign" foreign key ("team_id") references "team" ("id") on delete cascade;`);
    this.addSql(`create index "email_team_id_created_at_id_index" on "email" ("team_id", "created_at", "id");`);
    this.addSql(`create index "email_pending_index" on "email" ("created_at") where status in ('queued', 'sending');`);
    this.addSql(`alter table "email" add constraint "email_team_id_idempotency_key_unique" unique ("team_id", "idempotency_key");`);
  }
}
