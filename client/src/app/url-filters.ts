import { useEffect, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { type Day, dayEnd, dayStart, parseDay } from '../ui/DateRangeFields';

/**
 * A list page's filters live in the URL (`/emails?status=sent&from=2026-01-01`), so a filtered
 * list can be shared and reloaded. Each feature names its parameters and how to read each one.
 */
export type UrlFilters = { [param: string]: string | undefined };

/**
 * Reads one parameter: its value when valid, otherwise undefined, so that a hand-edited URL is
 * ignored rather than refused.
 */
export type ParamReader<T extends string> = (value: string | null) => T | undefined;

export type ParamReaders<F extends UrlFilters> = { [K in keyof F]-?: ParamReader<NonNullable<F[K]>> };

export type UrlFilterCodec<F extends UrlFilters> = {
  /** Every filter of the URL, undefined where absent or invalid. */
  read: (params: URLSearchParams) => F;
  /** The URL query of the filters, in the readers' order, without the empty ones. */
  search: (filters: F) => URLSearchParams;
};

/**
 * Text from the address bar as the server can take it: a NUL (`%00`, which PostgreSQL cannot
 * store) becomes U+FFFD, as the server's own logs write it. Sent as it is, the server refuses the
 * whole request (HTTP 400) and the page showed "could not handle the request" with a retry that
 * could never succeed; now a search finds nothing and an id is an item not found.
 */
export const textFromUrl = (value: string): string => value.replaceAll('\0', '\ufffd');

/** The `:id` of a detail page's route, as textFromUrl makes it. */
export function useRouteId(): string {
  const { id = '' } = useParams();
  return textFromUrl(id);
}

export function urlFilters<F extends UrlFilters>(readers: ParamReaders<F>): UrlFilterCodec<F> {
  const params = Object.keys(readers) as (keyof F & string)[];
  return {
    read(query) {
      const filters: UrlFilters = {};
      for (const param of params) {
        const value = query.get(param);
        filters[param] = readers[param](value === null ? null : textFromUrl(value));
      }
      // Sound: every parameter of F was just read by its own reader.
      return filters as F;
    },
    search(filters) {
      const query = new URLSearchParams();
      for (const param of params) {
        const value = filters[param];
        if (value) query.set(param, value);
      }
      return query;
    },
  };
}

/** A reader that keeps any non-empty value. */
export const anyValue: ParamReader<string> = (value) => value || undefined;

/** A reader that keeps one of the options' values. */
export const oneOf =
  <T extends string>(options: readonly { value: T }[]): ParamReader<T> =>
  (value) =>
    options.find((o) => o.value === value)?.value;

const sameFilters = (a: UrlFilters, b: UrlFilters) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
};

/**
 * The page's filters and how to change them; a change replaces the URL rather than adding history.
 * `params` is the URL's query as it stands, for links that come back to this very list.
 *
 * The filters are React state mirrored in the URL, not read from it: the router changes the URL
 * in a transition, and a query whose variables flip between an interrupted transition and the
 * committed tree would fetch both, again and again. Back, forward or a link still move them.
 * `setFilters` takes the next filters or a function of the latest ones (for a delayed search).
 */
export function useUrlFilters<F extends UrlFilters>(codec: UrlFilterCodec<F>) {
  const [params, setParams] = useSearchParams();
  const [filters, setState] = useState(() => codec.read(params));
  const latest = useRef(filters);
  latest.current = filters;
  // The URLs this hook wrote, so that their (later) arrival does not undo a newer change.
  const written = useRef<string[]>([]);
  const urlKey = params.toString();
  useEffect(() => {
    if (written.current.includes(urlKey)) return;
    const next = codec.read(new URLSearchParams(urlKey));
    setState((current) => (sameFilters(current, next) ? current : next));
  }, [urlKey, codec]);
  const setFilters = (next: F | ((current: F) => F)) => {
    const value = typeof next === 'function' ? next(latest.current) : next;
    latest.current = value;
    setState(value);
    const search = codec.search(value);
    written.current = [...written.current.slice(-4), search.toString()];
    setParams(search, { replace: true });
  };
  return { filters, setFilters, filtered: Object.values(filters).some(Boolean), params };
}

/**
 * The list's query string (`?status=sent`) a detail page was opened with, from the link's
 * `state={{ search }}`, so that going back keeps the list's filters; empty when opened directly.
 */
export function listSearch(state: unknown): string {
  const search = state && typeof state === 'object' && 'search' in state ? state.search : undefined;
  return typeof search === 'string' && search ? `?${search}` : '';
}

/** A range of whole days, as the URL and the date inputs hold it. */
export type DayRange = { from?: Day; to?: Day };

export const dayRangeReaders: ParamReaders<DayRange> = { from: parseDay, to: parseDay };

/** The `from` / `to` of a `filter:` argument: from the first instant of `from` to the last of `to`. */
export function dayRangeFilter(range: DayRange): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (range.from) out.from = dayStart(range.from);
  if (range.to) out.to = dayEnd(range.to);
  return out;
}

/** One filter in words. `filter` is its name in the `filter:` argument, under which the server reports errors. */
export type FilterLabel = { filter: string; label: string; value: string };

/** The `q` of a list's search box: trimmed, at most 100 characters (the server's limit). */
export const searchReader: ParamReader<string> = (value) => value?.trim().slice(0, 100) || undefined;
