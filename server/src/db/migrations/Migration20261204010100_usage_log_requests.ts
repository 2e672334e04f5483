import { Migration } from '@mikro-orm/migrations';

/**
 * How many requests a usage log stands for: 1, or for the summary of a minute's rate-limited
 * requests (endpoint "(rate limited)") the refused requests it sums up. The rollups and a key's
 * request count add this up, so they count requests, not rows. A constant default: no rewrite of
 * the partitions.
 */
export class Migration20261204010100_usage_log_requests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "usage_log" add column "requests" int not null default 1;`);
    // Summaries written before this: their response body says how many they sum up; their
    // rollups and keys counted them as one request.
    this.addSql(
      `with summed as (
         update "usage_log" set "requests" = greatest(1, ("response_body"->>'refused')::int)
          where "method" = '*' and "endpoint" = '(rate limited)' and jsonb_typeof("response_body"->'refused') = 'number'
          returning "team_id", "api_key_id", "created_at", "requests" - 1 as "extra"
       ),
       rolled as (
         update "usage_rollup" r set "requests" = r."requests" + s."extra", "status_4xx" = r."status_4xx" + s."extra"
           from (select "team_id", "api_key_id", ("created_at" at time zone 'UTC')::date as "day", sum("extra") as "extra" from summed group by 1, 2, 3) s
          where r."team_id" = s."team_id" and r."api_key_id" = s."api_key_id" and r."day" = s."day"
       )
       update "api_key" k set "request_count" = k."request_count" + s."extra"
         from (select "api_key_id", sum("extra") as "extra" from summed group by 1) s
        where k."id" = s."api_key_id";`,
    );
  }
}
