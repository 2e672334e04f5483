import { SelectField } from '../../../ui/SelectField';
import { DELETED_KEY_FILTER } from '../labels';

export type ApiKeyFilterFieldProps = {
  /** Undefined while the team's keys load. */
  keys: readonly { id: string; name: string }[] | undefined;
  /** The chosen key's id; undefined for all keys. */
  value: string | undefined;
  onChange: (apiKeyId: string | undefined) => void;
  /** The server refused the id (a hand-edited link holding something that is not a key id). */
  refused?: boolean;
};

export const REFUSED_KEY_FILTER = 'This link names no API key. Choose one, or All API keys.';

/** The "API key" filter of a list page: all of the team's keys, or one of them. */
export function ApiKeyFilterField({ keys, value, onChange, refused }: ApiKeyFilterFieldProps) {
  const options = [{ value: '', label: 'All API keys' }, ...(keys ?? []).map((k) => ({ value: k.id, label: k.name, userText: true }))];
  // A key from the URL that is not (or no longer) in the team's list still shows as chosen; while
  // the list loads, it is not yet known to be deleted.
  if (value && !keys?.some((k) => k.id === value)) {
    options.push({ value, label: refused ? 'Not an API key' : keys ? DELETED_KEY_FILTER : 'Loading keys…' });
  }
  return (
    <SelectField
      label="API key"
      name="apiKeyId"
      className="filter-field"
      options={options}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || undefined)}
      error={refused ? REFUSED_KEY_FILTER : undefined}
    />
  );
}
