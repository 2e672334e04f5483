import { Migration } from '@mikro-orm/migrations';

export class Migration20261128010000_api_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "permission" as enum ('FULL_ACCESS', 'SENDING_ACCESS');`);
    this.addSql(
      `create table "api_key" ("id" uuid not null, "team_id" uuid not null, "name" varchar(50) not null, "permission" "permission" not null, "domain_id" uuid null, "token_start" varchar(16) not null, "token_hash" varchar(64) not null, "previous_token_hash" varchar(64) null, "previous_token_expires_at" timestamptz null, "created_by_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_used_at" timestamptz null, "request_count" int not null default 0, "expires_at" timestamptz null, constraint "api_key_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_token_hash_unique" unique ("token_hash");`);
    this.addSql(`alter table "api_key" add constraint "api_key_previous_token_hash_unique" unique ("previous_token_hash");`);
    this.addSql(`create index "api_key_team_id_created_at_index" on "api_key" ("team_id", "created_at");`);
    this.addSql(`create index "api_key_domain_id_index" on "api_key" ("domain_id");`);
    this.addSql(
      `alter table "api_key" add constraint "api_key_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_domain_id_foreign" foreign key ("domain_id") references "domain" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
  }
}
