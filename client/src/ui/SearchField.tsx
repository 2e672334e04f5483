import { type FormEvent, useEffect, useState } from 'react';
import { TextField } from './TextField';

/**
 * A search box for a list whose filters live in the URL: Enter searches (no request per
 * keystroke), emptying the box clears the search at once, and a URL changed under it (back,
 * forward, a link) shows its own search.
 */
export function SearchField({
  label,
  value,
  placeholder,
  maxLength = 100,
  onSearch,
}: {
  label: string;
  value: string | undefined;
  placeholder?: string;
  maxLength?: number;
  onSearch: (value: string | undefined) => void;
}) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text.trim() || undefined);
  };
  return (
    <search className="filter-field">
      <form onSubmit={submit}>
        <TextField
          label={label}
          type="search"
          name="q"
          value={text}
          placeholder={placeholder}
          maxLength={maxLength}
          onChange={(e) => {
            setText(e.target.value);
            if (!e.target.value && value) onSearch(undefined);
          }}
        />
      </form>
    </search>
  );
}
