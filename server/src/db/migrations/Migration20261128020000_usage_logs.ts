import { Migration } from '@mikro-orm/migrations';

export class Migration20261128020000_usage_logs extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "usage_log" ("id" uuid not null, "team_id" uuid not null, "api_key_id" uuid null, "api_key_name" varchar(50) null, "method" varchar(10) not null, "endpoint" varchar(300) not null, "status_code" smallint not null, "user_agent" varchar(300) null, "duration_ms" int not null, "request_body" jsonb null, "response_body" jsonb null, "created_at" timestamptz not null, constraint "usage_log_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "usage_log" add constraint "usage_log_team_id_foreign" foreign key ("team_id") references "team" ("id") on delete cascade;`);
    this.addSql(`create index "usage_log_api_key_id_created_at_id_index" on "usage_log" ("api_key_id", "created_at", "id");`);
    this.addSql(`create index "usage_log_team_id_created_at_id_index" on "usage_log" ("team_id", "created_at", "id");`);
  }
}
