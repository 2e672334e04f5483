import { Migration } from '@mikro-orm/migrations';

/**
 * An export's file size in bytes as a bigint: an int column stops at 2^31 − 1 bytes, so a file of
 * 2 GiB or more could not be marked READY ("integer out of range") and its export failed after
 * being written whole. The export table holds one row per export, so rewriting it is quick.
 */
export class Migration20261205100000_export_file_size_bigint extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "export" alter column "file_size" type bigint;`);
  }
}
