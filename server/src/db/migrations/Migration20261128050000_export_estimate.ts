import { Migration } from '@mikro-orm/migrations';

/** Large exports are no longer counted before they start: the planner's estimate stands in until the file is written. */
export class Migration20261128050000_export_estimate extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "export" add column "estimated_row_count" int null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "export" drop column "estimated_row_count";`);
  }
}
