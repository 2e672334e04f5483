import type { Request } from 'express';
import { badInput, missingField } from '../errors.js';

/** A JSON request body, checked to be an object: field readers below give typed, snake_case input. */
export type Body = Record<string, unknown>;

export function objectBody(req: Request): Body {
  const body: unknown = req.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badInput('body', 'The request body must be a JSON object.');
  return body as Body;
}

const typeError = (field: string, type: string) => badInput(field, `\`${field}\` must be ${type}.`);

export function requiredString(body: Body, field: string): string {
  const v = body[field];
  if (v === undefined || v === null) throw missingField(field);
  if (typeof v !== 'string') throw typeError(field, 'a string');
  return v;
}

/**
 * undefined when absent; null only when `nullable` (e.g. to clear a value). Otherwise null is read
 * as absent: Resend's clients (the SDK passing `replyTo: null`, other languages' nil) send an
 * option they were not given as null, and null has no other meaning for such a field.
 */
export function optionalString(body: Body, field: string, opts: { nullable: true }): string | null | undefined;
export function optionalString(body: Body, field: string, opts?: { nullable?: false }): string | undefined;
export function optionalString(body: Body, field: string, opts: { nullable?: boolean } = {}): string | null | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (v === null) return opts.nullable ? null : undefined;
  if (typeof v !== 'string') throw typeError(field, opts.nullable ? 'a string or null' : 'a string');
  return v;
}

/** undefined when absent or null (as `optionalString`). */
export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeError(field, 'a boolean');
  return v;
}

/** A string or an array of strings, as Resend accepts for address lists. */
export function optionalStringList(body: Body, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((s) => typeof s === 'string')) throw typeError(field, 'a string or an array of strings');
  return list as string[];
}

/** Refuses a field this server cannot honour, rather than dropping it silently. */
export function unsupported(body: Body, field: string, message: string, isSet: (v: unknown) => boolean = (v) => v !== undefined && v !== null): void {
  if (isSet(body[field])) throw badInput(field, message);
}

/**
 * Every field of a body must be one this route implements: a Resend field that Keyring does not
 * implement is named with `notOffered[field]` (why, and what to do instead), any other field as
 * unknown. Never dropped silently. `where` prefixes nested objects ("attachments[0].").
 */
export function onlyFields(body: Body, known: readonly string[], notOffered: Readonly<Record<string, string>> = {}, where = ''): void {
  for (const field of Object.keys(body)) {
    if (known.includes(field)) continue;
    const why = Object.hasOwn(notOffered, field) ? notOffered[field] : undefined;
    // A Resend field sent as null or undefined asks for nothing: the SDK's own shape, not a request.
    if (why !== undefined && (body[field] === null || body[field] === undefined)) continue;
    const name = `${where}${field}`;
    throw badInput(name, why !== undefined ? `Keyring does not support \`${name}\`: ${why}` : `Unknown field \`${name}\`.`);
  }
}
