import { Migration } from '@mikro-orm/migrations';

export class Migration20261128030000_contacts_broadcasts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "contact" ("id" uuid not null, "team_id" uuid not null, "email" varchar(254) not null, "first_name" varchar(100) null, "last_name" varchar(100) null, "unsubscribed" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "contact_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "contact" add constraint "contact_team_id_email_unique" unique ("team_id", "email");`);
    this.addSql(`create index "contact_team_id_created_at_id_index" on "contact" ("team_id", "created_at", "id");`);
    this.addSql(
      `alter table "contact" add constraint "contact_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`create type "broadcast_status" as enum ('draft', 'sent');`);
    this.addSql(
      `create table "broadcast" ("id" uuid not null, "team_id" uuid not null, "name" varchar(255) not null, "from" varchar(320) not null, "subject" varchar(998) not null, "reply_to" jsonb null, "preview_text" varchar(500) null, "html" text null, "text" text null, "segment_id" varchar(100) null, "status" "broadcast_status" not null default 'draft', "created_at" timestamptz not null, "sent_at" timestamptz null, constraint "broadcast_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "broadcast_team_id_created_at_id_index" on "broadcast" ("team_id", "created_at", "id");`);
    this.addSql(
      `alter table "broadcast" add constraint "broadcast_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
  }
}
