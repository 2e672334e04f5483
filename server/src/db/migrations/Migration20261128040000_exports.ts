import { Migration } from '@mikro-orm/migrations';

export class Migration20261128040000_exports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "export_resource" as enum ('EMAILS', 'BROADCASTS', 'CONTACTS', 'DOMAINS', 'LOGS', 'API_KEYS');`);
    this.addSql(`create type "export_status" as enum ('PROCESSING', 'READY', 'FAILED', 'EXPIRED');`);
    this.addSql(
      `create table "export" ("id" uuid not null, "team_id" uuid not null, "resource" "export_resource" not null, "filters" jsonb not null, "status" "export_status" not null default 'PROCESSING', "row_count" int null, "processed_rows" int not null default 0, "error" varchar(500) null, "created_by_id" uuid null, "created_by_api_key_id" uuid null, "created_at" timestamptz not null, "completed_at" timestamptz null, "expires_at" timestamptz null, "file_attempt" uuid null, "file_size" int null, constraint "export_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "export_team_id_created_at_id_index" on "export" ("team_id", "created_at", "id");`);
    this.addSql(`create index "export_expiry_index" on "export" ("expires_at") where status = 'READY';`);
    this.addSql(
      `alter table "export" add constraint "export_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "export" add constraint "export_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    // The file, in 1 MB chunks, so that every instance can serve it.
    this.addSql(
      `create table "export_chunk" ("export_id" uuid not null references "export" ("id") on delete cascade, "attempt" uuid not null, "seq" int not null, "data" bytea not null, constraint "export_chunk_pkey" primary key ("export_id", "attempt", "seq"));`,
    );
    this.addSql(`alter table "export_chunk" alter column "data" set storage external;`);
    // CSV cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP).
    this.addSql(
      `create function keyring_csv_cell(v text) returns text language sql immutable parallel safe as $$ select case when v ~ '^[=+\\-@\\t\\r]' then '''' || v else v end $$;`,
    );
    this.addSql(
      `create function keyring_iso(t timestamptz) returns text language sql immutable parallel safe as $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;`,
    );
  }
}
