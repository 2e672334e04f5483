import { endOfDay, format, isValid, parse, startOfDay } from 'date-fns';
import { type ChangeEvent, type FocusEvent, useState } from 'react';
import { TextField } from './TextField';

/** A day as the date input and the URL hold it: YYYY-MM-DD, in the viewer's time zone. */
export type Day = string;

const DAY = 'yyyy-MM-dd';

/** The day, or undefined when the text is not a real date (a hand-edited URL). */
export function parseDay(value: string | null | undefined): Day | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  return isValid(parse(value, DAY, new Date())) ? value : undefined;
}

/** The instant a "from" day starts, as ISO-8601 UTC. */
export const dayStart = (day: Day): string => startOfDay(parse(day, DAY, new Date())).toISOString();

/** The last instant of a "to" day, so the range includes the whole day. */
export const dayEnd = (day: Day): string => endOfDay(parse(day, DAY, new Date())).toISOString();

/** "Jan 31, 2026" */
export const formatDay = (day: Day): string => format(parse(day, DAY, new Date()), 'MMM d, yyyy');

export type DateRangeFieldsProps = {
  from?: Day;
  to?: Day;
  onChange: (range: { from?: Day; to?: Day }) => void;
  errors?: { from?: string; to?: string };
};

/** What a reversed range says beside its "From" date. */
export const REVERSED_RANGE = 'Choose a From date on or before the To date.';

/** What a date the input cannot read (02/29/2027, 11/31/2026, 12/dd/2026) says beside it. */
export const NOT_A_DAY = 'Enter a whole date that exists; the list keeps the last one.';

/** True when both days are set and "from" comes after "to". */
export const isReversedRange = (from?: Day, to?: Day): boolean => Boolean(from && to && from > to);

/**
 * "From" and "To" day inputs; either may be empty for an open range. A reversed range (typed, or
 * from a hand-edited URL) says so in words of the form, whatever the server answered.
 */
export function DateRangeFields({ from, to, onChange, errors: given = {} }: DateRangeFieldsProps) {
  // A date input holding a day that does not exist, or half a date, reads as '' (no date): taken
  // as it was, 11/31/2026 typed over a From date dropped the filter while the field still showed
  // a date. Such input leaves the filter as it was and says so beside the field.
  const [unreadable, setUnreadable] = useState<{ from?: boolean; to?: boolean }>({});
  // Filters changed from outside (Clear filters, a link): what was typed is no longer the question.
  const [shown, setShown] = useState({ from, to });
  if (shown.from !== from || shown.to !== to) {
    setShown({ from, to });
    setUnreadable({});
  }
  const read = (field: 'from' | 'to') => ({
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const bad = e.target.validity.badInput;
      setUnreadable((u) => ({ ...u, [field]: bad }));
      if (!bad) onChange({ from, to, [field]: parseDay(e.target.value) });
    },
    onBlur: (e: FocusEvent<HTMLInputElement>) => {
      const bad = e.target.validity.badInput;
      setUnreadable((u) => (u[field] === bad ? u : { ...u, [field]: bad }));
    },
  });
  const errors = {
    ...(isReversedRange(from, to) ? { from: REVERSED_RANGE } : given),
    ...(unreadable.from ? { from: NOT_A_DAY } : {}),
    ...(unreadable.to ? { to: NOT_A_DAY } : {}),
  };
  return (
    <>
      <TextField label="From" type="date" name="from" className="filter-field" value={from ?? ''} max={to} {...read('from')} error={errors.from} />
      <TextField label="To" type="date" name="to" className="filter-field" value={to ?? ''} min={from} {...read('to')} error={errors.to} />
    </>
  );
}
