import { useState } from 'react';
import type { FieldErrors } from './errors';

type Values = Record<string, string>;

/**
 * A form's text values and, per field, the props that tie a TextField or SelectField to one of
 * them: its name, value, change handler and error (the server's or the browser's check's).
 */
export function useFields<V extends Values>(initial: V, errors: FieldErrors<keyof V & string>) {
  const [values, setValues] = useState(initial);
  return {
    values,
    reset: () => setValues(initial),
    field: <K extends keyof V & string>(name: K) => ({
      name,
      value: values[name],
      onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
      error: errors[name],
    }),
  };
}

/** The errors of the required fields left blank (spaces alone are blank), or null when none is. */
export function blankFields<F extends string>(values: Record<F, string>, messages: Partial<Record<F, string>>): FieldErrors<F> | null {
  const errors: FieldErrors<F> = {};
  for (const [name, message] of Object.entries(messages) as [F, string][]) if (!values[name].trim()) errors[name] = message;
  return Object.keys(errors).length ? errors : null;
}
