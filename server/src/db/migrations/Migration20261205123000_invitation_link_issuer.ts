import { Migration } from '@mikro-orm/migrations';

/**
 * Who was shown an invitation's current link (the admin who sent it, or who last renewed it): when
 * that admin is removed or made a member, the link they may have kept is revoked, or they joined
 * the team again as the invitee (as an admin, if that was the invitation's role).
 */
export class Migration20261205123000_invitation_link_issuer extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "invitation" add column "link_issued_by_id" uuid null;`);
    this.addSql(
      `alter table "invitation" add constraint "invitation_link_issued_by_id_foreign" foreign key ("link_issued_by_id") references "app_user" ("id") on update cascade on delete set null;`,
    );
    // Pending ones: their sender is the best guess (a renewal by another admin was not recorded).
    this.addSql(`update "invitation" set "link_issued_by_id" = "invited_by_id" where "accepted_at" is null;`);
  }
}
