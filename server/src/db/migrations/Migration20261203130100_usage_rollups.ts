import { Migration } from '@mikro-orm/migrations';

/**
 * Requests per team, key and UTC day, by status class: what the usage charts and counts read
 * instead of the raw logs, kept when retention drops the logs. Written in the same statement as
 * the logs they count; built here from every log there is.
 */
export class Migration20261203130100_usage_rollups extends Migration {
  override async up(): Promise<void> {
    // The first day whose logs are all there: retention moves it on as it drops days. A day before
    // it is never given a partition again (a widened window) nor rebuilt from logs it no longer has.
    this.addSql(
      `create table "usage_log_retention" ("id" boolean not null default true, "logs_since" date not null, constraint "usage_log_retention_pkey" primary key ("id"), constraint "usage_log_retention_one_row" check ("id"));`,
    );
    this.addSql(`insert into "usage_log_retention" ("logs_since") values ('-infinity');`);
    this.addSql(
      `create table "usage_rollup" ("team_id" uuid not null, "api_key_id" uuid null, "day" date not null, "requests" int not null, "status_2xx" int not null default 0, "status_3xx" int not null default 0, "status_4xx" int not null default 0, "status_5xx" int not null default 0, "last_used_at" timestamptz not null);`,
    );
    // A log whose key is unknown (null) is counted too, in one row per team and day.
    this.addSql(`alter table "usage_rollup" add constraint "usage_rollup_team_key_day_unique" unique nulls not distinct ("team_id", "api_key_id", "day");`);
    this.addSql(`alter table "usage_rollup" add constraint "usage_rollup_team_id_foreign" foreign key ("team_id") references "team" ("id") on delete cascade;`);
    this.addSql(`insert into "usage_rollup" ("team_id", "api_key_id", "day", "requests", "status_2xx", "status_3xx", "status_4xx", "status_5xx", "last_used_at")
      select team_id, api_key_id, (created_at at time zone 'UTC')::date, count(*),
             count(*) filter (where status_code between 200 and 299), count(*) filter (where status_code between 300 and 399),
             count(*) filter (where status_code between 400 and 499), count(*) filter (where status_code between 500 and 599),
             max(created_at)
        from "usage_log" group by 1, 2, 3;`);
  }
}
