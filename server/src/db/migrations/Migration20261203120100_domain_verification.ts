import { Migration } from '@mikro-orm/migrations';
import { dkimKeyPair } from '../../modules/domain/domain.dkim.js';

export class Migration20261203120100_domain_verification extends Migration {
  override async up(): Promise<void> {
    await this.execute(
      `alter table "domain" add column "dkim_private_key" text null, add column "dkim_public_key" text null, add column "dns_checks" jsonb null,
         add column "checked_at" timestamptz null, add column "pending_since" timestamptz null;`,
    );
    // One team only may hold a verified domain of a name.
    await this.execute(`create unique index "domain_verified_name_unique" on "domain" ("name") where status = 'verified';`);
    // Existing domains get their keys now (about 40 ms each, on the libuv pool), so every domain can sign.
    const rows = await this.execute(`select id from "domain" where dkim_private_key is null`);
    for (const { id } of rows as { id: string }[]) {
      const keys = await dkimKeyPair();
      await this.execute(`update "domain" set dkim_private_key = ?, dkim_public_key = ? where id = ?`, [keys.privateKey, keys.publicKey, id]);
    }
  }
}
