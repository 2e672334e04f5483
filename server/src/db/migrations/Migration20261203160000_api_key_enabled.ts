import { Migration } from '@mikro-orm/migrations';

/** Keys can be disabled without being deleted; a rolled key remembers its old token's start to show it. */
export class Migration20261203160000_api_key_enabled extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_key" add column "enabled" boolean not null default true, add column "previous_token_start" varchar(16) null;`);
  }
}
