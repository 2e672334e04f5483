import { Migration } from '@mikro-orm/migrations';

/**
 * Password reset links: only a hash of each link's token is kept (a database leak resets no one),
 * single use (used_at), for an hour (expires_at). An account's rows go with it.
 */
export class Migration20261205200000_password_reset extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "password_reset" ("id" uuid not null, "user_id" uuid not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "password_reset_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "password_reset" add constraint "password_reset_token_hash_unique" unique ("token_hash");`);
    this.addSql(
      `alter table "password_reset" add constraint "password_reset_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`,
    );
    // A new request, and a reset, drop the account's other unused links.
    this.addSql(`create index "password_reset_user_id_index" on "password_reset" ("user_id");`);
  }
}
