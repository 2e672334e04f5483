import type { Request } from 'express';
import { z } from 'zod';
import { AppError, badInput, ErrorCode } from '../errors.js';
import { type DateRange, isStorableDate, UNSTORABLE_DATE_MESSAGE } from '../lib/date-range.js';
import { textProblem } from '../lib/nul.js';

// Query parameters are refused as Resend refuses them: 422 invalid_parameter, naming the parameter.
const invalid = (name: string, message: string) => badInput(name, message, 'invalid_parameter');

/** A query parameter given once and not empty; undefined when absent. */
export function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw invalid(name, `\`${name}\` must be a single non-empty value.`);
  const problem = textProblem(v);
  if (problem) throw invalid(name, problem);
  return v;
}

/** `true` or `false`, as written; undefined when absent. */
export function queryBoolean(req: Request, name: string): boolean | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid(name, `\`${name}\` must be true or false.`);
}

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

/**
 * An ISO-8601 date-time with its offset (`2026-01-31T12:00:00Z`), or a day (`2026-01-31`), taken in
 * UTC: its first instant, or with `endOfDay` its last, so that `to=2026-01-31` includes that day.
 */
export function queryDate(req: Request, name: string, opts: { endOfDay?: boolean } = {}): Date | undefined {
  const v = queryString(req, name);
  if (v === undefined) return undefined;
  const d = isoDateTime.safeParse(v).success
    ? new Date(v)
    : isoDate.safeParse(v).success
      ? new Date(`${v}T${opts.endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`)
      : null;
  if (d && !isStorableDate(d)) throw invalid(name, `\`${name}\` ${UNSTORABLE_DATE_MESSAGE}`);
  if (d) return d;
  throw invalid(name, `\`${name}\` must be an ISO-8601 date or date-time, like 2026-01-31 or 2026-01-31T00:00:00Z.`);
}

/** The `from` and `to` parameters of a list: a day given as `to` is included whole. */
export function queryDateRange(req: Request): DateRange {
  return { from: queryDate(req, 'from'), to: queryDate(req, 'to', { endOfDay: true }) };
}

/**
 * Builds a filter with the service's own checks (the rule exists once), answering its refusals
 * as query-parameter errors under the REST names of the fields.
 */
export function withQueryNames<T>(names: Record<string, string>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof AppError && e.code === ErrorCode.BAD_USER_INPUT && e.field) {
      // `apiKeyId` must be a valid UUID → `api_key_id` must be a valid UUID.
      const message = Object.entries(names).reduce((m, [field, name]) => m.replaceAll(`\`${field}\``, `\`${name}\``), e.message);
      throw invalid(names[e.field] ?? e.field, message);
    }
    throw e;
  }
}
