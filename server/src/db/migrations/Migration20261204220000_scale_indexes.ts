import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes the scale probe found missing.
 *
 * A resource's logs (/emails, any method) in time order. The route index puts the method before
 * the resource, so without a method PostgreSQL 15 read every partition's whole route index: 8.6 s
 * for /broadcasts over 3 million logs in the scale probe, 141 ms with this index.
 */
export class Migration20261204220000_scale_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "usage_log_team_resource_time_index" on "usage_log" ("team_id", (split_part(split_part("endpoint", ' ', 1), '/', 2)), "created_at", "id");`,
    );
    // One key's emails in time order (the key's page, the Emails key filter): without it a key that
    // sent little had the team's whole email table read (519 ms at 400,000 emails in the probe).
    this.addSql(`create index if not exists "email_team_id_api_key_id_created_at_id_index" on "email" ("team_id", "api_key_id", "created_at", "id");`);
  }
}
