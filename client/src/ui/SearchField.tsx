import { type FormEvent, useEffect, useRef, useState } from 'react';
import { TextField } from './TextField';

/** How long typing pauses before a list searches: the same on every page (API Keys too). */
export const SEARCH_DELAY_MS = 250;

/**
 * A search box for a list whose filters live in the URL: it searches as you type, once you pause
 * (SEARCH_DELAY_MS), or at once on Enter; emptying the box clears the search at once, and a URL
 * changed under it (back, forward, a link) shows its own search.
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
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => setText(value ?? ''), [value]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const search = (next: string) => {
    clearTimeout(timer.current);
    const q = next.trim() || undefined;
    if (q !== (value || undefined)) onSearch(q);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    search(text);
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
            const next = e.target.value;
            setText(next);
            clearTimeout(timer.current);
            if (!next) search('');
            else timer.current = setTimeout(() => search(next), SEARCH_DELAY_MS);
          }}
        />
      </form>
    </search>
  );
}
