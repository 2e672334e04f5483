import { SelectField } from '../../../ui/SelectField';
import { DELETED_KEY_FILTER } from '../labels';

export type ApiKeyFilterFieldProps = {
  /** Undefined while the team's keys load. */
  keys: readonly { id: string; name: string }[] | undefined;
  /** The chosen key's id; undefined for all keys. */
  value: string | undefined;
  onChange: (apiKeyId: string | undefined) => void;
};

/** The "API key" filter of a list page: all of the team's keys, or one of them. */
export function ApiKeyFilterField({ keys, value, onChange }: ApiKeyFilterFieldProps) {
  const options = [{ value: '', label: 'All API keys' }, ...(keys ?? []).map((k) => ({ value: k.id, label: k.name }))];
  // A key from the URL that is not (or no longer) in the team's list still shows as chosen; while
  // the list loads, it is not yet known to be deleted.
  if (value && !keys?.some((k) => k.id === value)) options.push({ value, label: keys ? DELETED_KEY_FILTER : 'Loading keys…' });
  return (
    <SelectField
      label="API key"
      name="apiKeyId"
      className="filter-field"
      options={options}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || undefined)}
    />
  );
}
