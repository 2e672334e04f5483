import { DateRangeFields } from '../../../ui/DateRangeFields';
import { SelectField } from '../../../ui/SelectField';
import { type LogFilters, STATUS_CLASSES, STATUS_CODES } from '../filters';

export type LogFiltersBarProps = {
  filters: LogFilters;
  onChange: (filters: LogFilters) => void;
  keys: readonly { id: string; name: string }[];
  errors?: { from?: string; to?: string };
};

export function LogFiltersBar({ filters, onChange, keys, errors }: LogFiltersBarProps) {
  const keyOptions = [{ value: '', label: 'All API keys' }, ...keys.map((k) => ({ value: k.id, label: k.name }))];
  // A key from the URL that is not (or no longer) in the team's list still shows as chosen.
  if (filters.apiKeyId && !keys.some((k) => k.id === filters.apiKeyId)) {
    keyOptions.push({ value: filters.apiKeyId, label: 'A deleted key' });
  }
  const statusOptions = [
    { value: '', label: 'All statuses' },
    ...STATUS_CLASSES,
    ...STATUS_CODES.map((c) => ({ value: String(c), label: String(c) })),
  ];
  if (filters.status && !statusOptions.some((o) => o.value === filters.status)) {
    statusOptions.push({ value: filters.status, label: filters.status });
  }
  return (
    <fieldset className="filters">
      <legend className="sr-only">Filter logs</legend>
      <SelectField
        label="API key"
        name="apiKeyId"
        className="filter-field"
        options={keyOptions}
        value={filters.apiKeyId ?? ''}
        onChange={(e) => onChange({ ...filters, apiKeyId: e.target.value || undefined })}
      />
      <SelectField
        label="Status"
        name="status"
        className="filter-field"
        options={statusOptions}
        value={filters.status ?? ''}
        onChange={(e) => onChange({ ...filters, status: e.target.value || undefined })}
      />
      <DateRangeFields
        from={filters.from}
        to={filters.to}
        onChange={(range) => onChange({ ...filters, ...range })}
        errors={errors}
      />
    </fieldset>
  );
}
