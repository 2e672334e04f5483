import { CombinedGraphQLErrors, type ErrorLike, ServerError } from '@apollo/client';
import { useState } from 'react';
import { toast } from '../ui/toast';

export type FieldErrors<F extends string = string> = Partial<Record<F, string>>;

type Split<F extends string> = { fieldErrors: FieldErrors<F>; messages: { code: string; message: string }[] };

type GraphQLErrorLike = { message: string; extensions?: Record<string, unknown> };

/**
 * The GraphQL errors in the JSON body of an answer that is not 200 and not a GraphQL response:
 * the server's own refusals before GraphQL runs (too many requests, text it cannot store). Apollo
 * reports those as a ServerError, whose wording ("could not handle the request") hid the server's
 * ("Too many requests. … Retry after 10 seconds.").
 */
function errorsInBody(error: ServerError): GraphQLErrorLike[] {
  try {
    const body: unknown = JSON.parse(error.bodyText);
    const errors = body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors) ? body.errors : [];
    return errors.filter((e): e is GraphQLErrorLike => Boolean(e) && typeof e.message === 'string' && e.message.length > 0);
  } catch {
    return [];
  }
}

/** Sorts a failed operation's errors into those about a form field and the rest. */
export function splitErrors<F extends string>(error: unknown, fields: readonly F[]): Split<F> {
  const out: Split<F> = { fieldErrors: {}, messages: [] };
  const sort = (errors: readonly GraphQLErrorLike[]) => {
    for (const e of errors) {
      const field = fields.find((f) => f === e.extensions?.field);
      const code = typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR';
      if (field) {
        out.fieldErrors[field] ??= e.message;
      } else {
        out.messages.push({ code, message: e.message });
      }
    }
    return out;
  };
  if (CombinedGraphQLErrors.is(error)) return sort(error.errors);
  if (ServerError.is(error)) {
    const inBody = errorsInBody(error);
    if (inBody.length) return sort(inBody);
    out.messages.push({ code: 'SERVER_ERROR', message: 'The server could not handle the request. Try again.' });
    return out;
  }
  out.messages.push({ code: 'NETWORK_ERROR', message: 'Could not reach the server. Check your connection.' });
  return out;
}

/** Toasts every error that is not about one of `fields`, and returns the field errors to show inline. */
export function reportErrors<F extends string>(error: unknown, fields: readonly F[] = []): FieldErrors<F> {
  const { fieldErrors, messages } = splitErrors(error, fields);
  for (const m of messages) toast.error(m.message);
  return fieldErrors;
}

/** The server's refusal of an admin's action to a member: the session's role may be out of date. */
const ADMINS_ONLY_MESSAGE = 'Only admins can do this.';

export function isAdminsOnlyError(error: unknown): boolean {
  return CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'FORBIDDEN' && e.message === ADMINS_ONLY_MESSAGE);
}

/** A human message for a failed query, for inline error states. */
export function queryErrorMessage(error: ErrorLike): string {
  return splitErrors(error, []).messages[0]?.message ?? error.message;
}

/** Field errors shown beside their fields, plus an optional form-level message. */
export function useFormErrors<F extends string>(fields: readonly F[]) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors<F>>({});
  const [formError, setFormError] = useState<string>();
  return {
    fieldErrors,
    formError,
    /**
     * The browser's own checks of a new submit: they replace the last answer's errors, its form
     * message too ("Invalid email or password." stayed beside "Email is required.").
     */
    setFieldErrors: (errors: FieldErrors<F>) => {
      setFieldErrors(errors);
      setFormError(undefined);
    },
    clear: () => {
      setFieldErrors({});
      setFormError(undefined);
    },
    /** Field errors beside their fields; the rest as toasts. */
    report: (error: unknown) => setFieldErrors(reportErrors(error, fields)),
    /** Field errors beside their fields; the first other error in the form itself. */
    reportInForm: (error: unknown) => {
      const { fieldErrors: byField, messages } = splitErrors(error, fields);
      setFieldErrors(byField);
      setFormError(messages[0]?.message);
    },
  };
}
