import { DateRangeFields } from '../../../ui/DateRangeFields';
import { SelectField } from '../../../ui/SelectField';
import { ApiKeyFilterField } from '../../api-keys';
import { LOG_ENDPOINTS, LOG_METHODS, type LogFilters, STATUS_CLASSES, STATUS_CODES } from '../filters';

export type LogFiltersBarProps = {
  filters: LogFilters;
  onChange: (filters: LogFilters) => void;
  keys: readonly { id: string; name: string }[] | undefined;
  errors?: { from?: string; to?: string; apiKeyId?: string };
};

export function LogFiltersBar({ filters, onChange, keys, errors }: LogFiltersBarProps) {
  const statusOptions = [{ value: '', label: 'All statuses' }, ...STATUS_CLASSES, ...STATUS_CODES.map((c) => ({ value: String(c), label: String(c) }))];
  if (filters.status && !statusOptions.some((o) => o.value === filters.status)) {
    statusOptions.push({ value: filters.status, label: filters.status });
  }
  const endpointOptions = [{ value: '', label: 'All endpoints' }, ...LOG_ENDPOINTS.map((e) => ({ value: e, label: e }))];
  // A path from the URL that is not one of the resources (a link to one contact's logs) stays chosen.
  if (filters.endpoint && !endpointOptions.some((o) => o.value === filters.endpoint)) {
    endpointOptions.push({ value: filters.endpoint, label: filters.endpoint });
  }
  return (
    <fieldset className="filters">
      <legend className="sr-only">Filter logs</legend>
      <ApiKeyFilterField keys={keys} value={filters.apiKeyId} onChange={(apiKeyId) => onChange({ ...filters, apiKeyId })} refused={Boolean(errors?.apiKeyId)} />
      <SelectField
        label="Status"
        name="status"
        className="filter-field"
        options={statusOptions}
        value={filters.status ?? ''}
        onChange={(e) => onChange({ ...filters, status: e.target.value || undefined })}
      />
      <SelectField
        label="Method"
        name="method"
        className="filter-field filter-field-narrow"
        options={[{ value: '', label: 'All' }, ...LOG_METHODS]}
        value={filters.method ?? ''}
        onChange={(e) => onChange({ ...filters, method: LOG_METHODS.find((m) => m.value === e.target.value)?.value })}
      />
      <SelectField
        label="Endpoint"
        name="endpoint"
        className="filter-field"
        options={endpointOptions}
        value={filters.endpoint ?? ''}
        onChange={(e) => onChange({ ...filters, endpoint: e.target.value || undefined })}
      />
      <DateRangeFields from={filters.from} to={filters.to} onChange={(range) => onChange({ ...filters, ...range })} errors={errors} />
    </fieldset>
  );
}
