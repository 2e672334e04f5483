import { Migration20261128000000_foundation } from './Migration20261128000000_foundation.js';
import { Migration20261128010000_api_keys } from './Migration20261128010000_api_keys.js';
import { Migration20261128020000_usage_logs } from './Migration20261128020000_usage_logs.js';
import { Migration20261128025000_emails } from './Migration20261128025000_emails.js';
import { Migration20261128030000_contacts_broadcasts } from './Migration20261128030000_contacts_broadcasts.js';
import { Migration20261128040000_exports } from './Migration20261128040000_exports.js';
import { Migration20261128050000_export_estimate } from './Migration20261128050000_export_estimate.js';
import { Migration20261203100000_delivery_attempts } from './Migration20261203100000_delivery_attempts.js';
import { Migration20261203120000_scheduled_emails } from './Migration20261203120000_scheduled_emails.js';
import { Migration20261203120100_domain_verification } from './Migration20261203120100_domain_verification.js';
import { Migration20261203130000_usage_log_partitions } from './Migration20261203130000_usage_log_partitions.js';
import { Migration20261203130100_usage_rollups } from './Migration20261203130100_usage_rollups.js';
import { Migration20261203130200_usage_rollup_team_day } from './Migration20261203130200_usage_rollup_team_day.js';
import { Migration20261203160000_api_key_enabled } from './Migration20261203160000_api_key_enabled.js';
import { Migration20261204010000_export_writing_attempt } from './Migration20261204010000_export_writing_attempt.js';
import { Migration20261204010100_usage_log_requests } from './Migration20261204010100_usage_log_requests.js';
import { Migration20261204150000_export_cells_inlined } from './Migration20261204150000_export_cells_inlined.js';
import { Migration20261204210000_session_device } from './Migration20261204210000_session_device.js';
import { Migration20261204220000_scale_indexes } from './Migration20261204220000_scale_indexes.js';
import { Migration20261205100000_export_file_size_bigint } from './Migration20261205100000_export_file_size_bigint.js';
import { Migration20261205110000_email_status_index } from './Migration20261205110000_email_status_index.js';
import { Migration20261205123000_invitation_link_issuer } from './Migration20261205123000_invitation_link_issuer.js';

// Listed explicitly so that no runner depends on globbing the folder.
export const migrationsList = [
  { name: 'Migration20261128000000_foundation', class: Migration20261128000000_foundation },
  { name: 'Migration20261128010000_api_keys', class: Migration20261128010000_api_keys },
  { name: 'Migration20261128020000_usage_logs', class: Migration20261128020000_usage_logs },
  { name: 'Migration20261128025000_emails', class: Migration20261128025000_emails },
  { name: 'Migration20261128030000_contacts_broadcasts', class: Migration20261128030000_contacts_broadcasts },
  { name: 'Migration20261128040000_exports', class: Migration20261128040000_exports },
  { name: 'Migration20261128050000_export_estimate', class: Migration20261128050000_export_estimate },
  { name: 'Migration20261203100000_delivery_attempts', class: Migration20261203100000_delivery_attempts },
  { name: 'Migration20261203120000_scheduled_emails', class: Migration20261203120000_scheduled_emails },
  { name: 'Migration20261203120100_domain_verification', class: Migration20261203120100_domain_verification },
  { name: 'Migration20261203130000_usage_log_partitions', class: Migration20261203130000_usage_log_partitions },
  { name: 'Migration20261203130100_usage_rollups', class: Migration20261203130100_usage_rollups },
  { name: 'Migration20261203130200_usage_rollup_team_day', class: Migration20261203130200_usage_rollup_team_day },
  { name: 'Migration20261203160000_api_key_enabled', class: Migration20261203160000_api_key_enabled },
  { name: 'Migration20261204010000_export_writing_attempt', class: Migration20261204010000_export_writing_attempt },
  { name: 'Migration20261204010100_usage_log_requests', class: Migration20261204010100_usage_log_requests },
  { name: 'Migration20261204150000_export_cells_inlined', class: Migration20261204150000_export_cells_inlined },
  { name: 'Migration20261204210000_session_device', class: Migration20261204210000_session_device },
  { name: 'Migration20261204220000_scale_indexes', class: Migration20261204220000_scale_indexes },
  { name: 'Migration20261205100000_export_file_size_bigint', class: Migration20261205100000_export_file_size_bigint },
  { name: 'Migration20261205110000_email_status_index', class: Migration20261205110000_email_status_index },
  { name: 'Migration20261205123000_invitation_link_issuer', class: Migration20261205123000_invitation_link_issuer },
];
