import { Migration20261128000000_foundation } from './Migration20261128000000_foundation.js';
import { Migration20261128010000_api_keys } from './Migration20261128010000_api_keys.js';

// Listed explicitly so that no runner depends on globbing the folder.
export const migrationsList = [
  { name: 'Migration20261128000000_foundation', class: Migration20261128000000_foundation },
  { name: 'Migration20261128010000_api_keys', class: Migration20261128010000_api_keys },
];
