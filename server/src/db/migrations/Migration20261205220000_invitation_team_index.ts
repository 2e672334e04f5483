import { Migration } from '@mikro-orm/migrations';

/**
 * A team's pending invitations (the Team page's list, inviteMember's look-up of the one it
 * replaces, the revocation of a removed admin's links). Invitation had no index but its token's:
 * each of those read every team's invitations, accepted ones included, which are kept — 85 ms at
 * 10,000 teams of 20 invitations in the scale probe, growing with every other team's history.
 * Partial: an accepted invitation is never looked up by team again.
 */
export class Migration20261205220000_invitation_team_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index if not exists "invitation_team_pending_index" on "invitation" ("team_id", "created_at") where "accepted_at" is null;`);
  }
}
