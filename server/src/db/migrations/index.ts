import { Migration20261128000000_foundation } from './Migration20261128000000_foundation.js';

// Listed explicitly so that no runner depends on globbing the folder.
export const migrationsList = [
  { name: 'Migration20261128000000_foundation', class: Migration20261128000000_foundation },
];
