import { Migration } from '@mikro-orm/migrations';

const COLUMNS = `"id", "team_id", "api_key_id", "api_key_name", "method", "endpoint", "status_code", "user_agent", "duration_ms", "request_body", "response_body", "created_at"`;

/**
 * usage_log becomes a table partitioned by UTC day, every row copied. Daily rather than weekly:
 * retention drops exactly the days past LOG_RETENTION_DAYS, a day's filter reads one partition,
 * and the partition taking the writes (with its random-uuid primary key) stays one day's size.
 * Measured on this machine: planning a query over every partition of a 30-day window (39 of
 * them) takes ~2.5 ms, over weekly ones ~0.5 ms.
 *
 * A default partition takes any row no day partition is there for (a clock far off, a restore of
 * old logs): a write never fails for its timestamp. keyring_log_partition() moves such rows into
 * the day's partition when it is created.
 *
 * Every index leads with team_id, so that the logs could be distributed by team (Citus) as they
 * are; each serves one filter of the Logs page in created_at order.
 */
export class Migration20261203130000_usage_log_partitions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "usage_log" rename to "usage_log_unpartitioned";`);
    this.addSql(`alter table "usage_log_unpartitioned" rename constraint "usage_log_pkey" to "usage_log_unpartitioned_pkey";`);
    this.addSql(`alter table "usage_log_unpartitioned" drop constraint "usage_log_team_id_foreign";`);
    this.addSql(`drop index "usage_log_api_key_id_created_at_id_index";`);
    this.addSql(`drop index "usage_log_team_id_created_at_id_index";`);

    this.addSql(
      `create table "usage_log" ("id" uuid not null, "team_id" uuid not null, "api_key_id" uuid null, "api_key_name" varchar(50) null, "method" varchar(10) not null, "endpoint" varchar(300) not null, "status_code" smallint not null, "user_agent" varchar(300) null, "duration_ms" int not null, "request_body" jsonb null, "response_body" jsonb null, "created_at" timestamptz not null, constraint "usage_log_pkey" primary key ("id", "created_at")) partition by range ("created_at");`,
    );
    this.addSql(`alter table "usage_log" add constraint "usage_log_team_id_foreign" foreign key ("team_id") references "team" ("id") on delete cascade;`);
    this.addSql(`create table "usage_log_default" partition of "usage_log" default;`);

    // Creates the partition of one UTC day unless it exists, moving in the rows of that day that
    // the default partition took meanwhile. ATTACH (not CREATE … PARTITION OF) locks the parent
    // in SHARE UPDATE EXCLUSIVE mode only: reads and writes of the logs go on meanwhile.
    this.addSql(`create or replace function keyring_log_partition(day date) returns text language plpgsql as $body$
declare
  name text := 'usage_log_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := day::timestamp at time zone 'UTC';
  hi timestamptz := (day + 1)::timestamp at time zone 'UTC';
begin
  if to_regclass(name) is not null then
    return null;
  end if;
  execute format('create table %I (like usage_log including defaults)', name);
  execute format('with moved as (delete from usage_log_default where created_at >= $1 and created_at < $2 returning *) insert into %I select * from moved', name) using lo, hi;
  execute format('alter table usage_log attach partition %I for values from (%L) to (%L)', name, lo, hi);
  return name;
end
$body$;`);

    // A partition for every day that has logs, and for today and the week ahead; the server
    // creates the rest of the retention window at start.
    this.addSql(`select keyring_log_partition(day) from (
      select distinct (created_at at time zone 'UTC')::date as day from "usage_log_unpartitioned"
      union
      select ((now() at time zone 'UTC')::date + n) from generate_series(0, 7) as n
    ) days order by day;`);
    this.addSql(`insert into "usage_log" (${COLUMNS}) select ${COLUMNS} from "usage_log_unpartitioned";`);
    this.addSql(`drop table "usage_log_unpartitioned";`);

    // Built after the copy (faster than maintaining them row by row), on every partition.
    this.addSql(`create index "usage_log_team_time_index" on "usage_log" ("team_id", "created_at", "id");`);
    this.addSql(`create index "usage_log_team_key_time_index" on "usage_log" ("team_id", "api_key_id", "created_at", "id");`);
    this.addSql(`create index "usage_log_team_status_time_index" on "usage_log" ("team_id", "status_code", "created_at", "id");`);
    // The method and the endpoint's first segment ('emails' for /emails/batch, 'graphql' for
    // "/graphql Name"): the expression must stay as written here for queries to use the index.
    this.addSql(
      `create index "usage_log_team_route_time_index" on "usage_log" ("team_id", "method", (split_part(split_part("endpoint", ' ', 1), '/', 2)), "created_at", "id");`,
    );
  }
}
