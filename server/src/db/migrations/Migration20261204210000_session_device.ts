import { Migration } from '@mikro-orm/migrations';

/** A session remembers the browser and address it was started from, for its owner's list of sessions. */
export class Migration20261204210000_session_device extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "session" add column "user_agent" varchar(256) null, add column "ip" varchar(64) null;`);
    // The owner's list, and signing out everywhere, look sessions up by user.
    this.addSql(`create index if not exists "session_user_id_index" on "session" ("user_id");`);
  }
}
