import { Migration } from '@mikro-orm/migrations';

export class Migration20261128000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "domain_status" as enum ('not_started', 'pending', 'verified', 'failed');`);
    this.addSql(`create type "role" as enum ('ADMIN', 'MEMBER');`);
    this.addSql(
      `create table "outbox_message" ("id" uuid not null, "from" text not null, "to" text not null, "subject" varchar(998) not null, "text" text not null, "html" text null, "created_at" timestamptz not null, constraint "outbox_message_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "team" ("id" uuid not null, "name" varchar(100) not null, "created_at" timestamptz not null, constraint "team_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create table "domain" ("id" uuid not null, "team_id" uuid not null, "name" varchar(253) not null, "region" varchar(20) not null, "status" "domain_status" not null default 'not_started', "created_at" timestamptz not null, constraint "domain_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "domain" add constraint "domain_team_id_name_unique" unique ("team_id", "name");`);
    this.addSql(
      `create table "app_user" ("id" uuid not null, "email" varchar(254) not null, "password_hash" varchar(255) not null, "created_at" timestamptz not null, constraint "app_user_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
    this.addSql(
      `create table "session" ("id" uuid not null, "token_hash" varchar(64) not null, "user_id" uuid not null, "team_id" uuid not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, constraint "session_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `create table "membership" ("id" uuid not null, "team_id" uuid not null, "user_id" uuid not null, "role" "role" not null, "created_at" timestamptz not null, constraint "membership_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "membership" add constraint "membership_team_id_user_id_unique" unique ("team_id", "user_id");`);
    this.addSql(
      `create table "invitation" ("id" uuid not null, "team_id" uuid not null, "email" varchar(254) not null, "role" "role" not null, "token_hash" varchar(64) not null, "invited_by_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, constraint "invitation_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "invitation" add constraint "invitation_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `create table "audit_event" ("id" uuid not null, "team_id" uuid not null, "action" varchar(64) not null, "actor_id" uuid null, "actor_api_key_id" uuid null, "target_id" uuid null, "metadata" jsonb null, "created_at" timestamptz not null, constraint "audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "audit_event_team_id_created_at_index" on "audit_event" ("team_id", "created_at");`);
    this.addSql(
      `alter table "domain" add constraint "domain_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "session" add constraint "session_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "membership" add constraint "membership_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "membership" add constraint "membership_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "invitation" add constraint "invitation_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "invitation" add constraint "invitation_invited_by_id_foreign" foreign key ("invited_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `create table "rate_limit" ("key" varchar(255) not null, "points" integer not null default 0, "expire" bigint, constraint "rate_limit_pkey" primary key ("key"));`,
    );
    this.addSql(`create index "session_expires_at_index" on "session" ("expires_at");`);
    this.addSql(`create index "membership_user_id_index" on "membership" ("user_id");`);
  }
}
