import { Migration } from '@mikro-orm/migrations';

/**
 * A team's requests per day, all keys together: how the Logs page sizes the windows of a search
 * that no index serves (index-only: the day and its count are in the index).
 */
export class Migration20261203130200_usage_rollup_team_day extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "usage_rollup_team_day_index" on "usage_rollup" ("team_id", "day") include ("requests");`);
  }
}
