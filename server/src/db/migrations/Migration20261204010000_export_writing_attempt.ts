import { Migration } from '@mikro-orm/migrations';

/** The attempt writing an export's file now, so that a download can follow it before it is READY. */
export class Migration20261204010000_export_writing_attempt extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "export" add column "writing_attempt" uuid null;`);
  }
}
