// What other features use: the Export button for their pages.
export { ExportButton, type ExportButtonProps } from './components/ExportButton';
export { describeExportFilters, type ExportFilterLabel, type ExportFilters, type ExportInput } from './filters';
