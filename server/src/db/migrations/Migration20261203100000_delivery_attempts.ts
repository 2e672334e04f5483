import { Migration } from '@mikro-orm/migrations';

export class Migration20261203100000_delivery_attempts extends Migration {
  override async up(): Promise<void> {
    // Attempts through the relay, and when a refused email may be tried again (null: at once).
    this.addSql(`alter table "email" add column "attempts" smallint not null default 0, add column "next_attempt_at" timestamptz null;`);
  }
}
