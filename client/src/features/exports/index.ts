// What other features use: the Export button for their pages.
export { ExportButton, type ExportButtonProps } from './components/ExportButton';
export type { ExportFilterLabel, ExportFilters, ExportInput } from './filters';
