import { z } from 'zod';
import { AppError, badInput, ErrorCode } from '../../errors.js';

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const NAMED = /^\s*(?:"?([^"<>]*?)"?\s*)?<([^<>]+)>\s*$/;

/** `a@b.com` or `Name <a@b.com>` → the bare address (lower-cased domain), or null. */
export function parseAddress(raw: string): string | null {
  const named = NAMED.exec(raw);
  const address = (named ? named[2] : raw).trim();
  if (address.length > 254 || !ADDRESS.test(address)) return null;
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}

export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

const address = (field: string) =>
  z.string({ error: `\`${field}\` must be a string.` }).refine((v) => parseAddress(v) !== null, {
    message: `Invalid \`${field}\` field. The email address needs to follow the \`email@example.com\` or \`Name <email@example.com>\` format.`,
  });

const addressList = (field: string, max: number) =>
  z
    .union([address(field), z.array(address(field)).min(1, `\`${field}\` must not be empty.`).max(max, `\`${field}\` accepts at most ${max} addresses.`)])
    .transform((v) => (Array.isArray(v) ? v : [v]));

const optionalList = (field: string, max: number) => addressList(field, max).optional().transform((v) => v ?? []);

export const sendEmailSchema = z
  .object({
    from: address('from'),
    to: addressList('to', 50),
    subject: z.string().trim().min(1, '`subject` must not be empty.').max(998),
    html: z.string().max(5_000_000).optional(),
    text: z.string().max(5_000_000).optional(),
    cc: optionalList('cc', 50),
    bcc: optionalList('bcc', 50),
    reply_to: optionalList('reply_to', 50),
    headers: z.record(z.string().max(100), z.string().max(1000)).optional(),
    tags: z
      .array(
        z.object({
          name: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'Tag names may contain only ASCII letters, numbers, underscores and dashes.'),
          value: z.string().regex(/^[A-Za-z0-9_-]{0,256}$/, 'Tag values may contain only ASCII letters, numbers, underscores and dashes.'),
        }),
      )
      .max(50)
      .optional(),
    attachments: z
      .array(
        z.object({
          filename: z.string().min(1).max(255),
          content: z.string().optional(),
          content_type: z.string().max(255).optional(),
        }),
      )
      .max(50)
      .optional(),
  })
  .refine((v) => v.html !== undefined || v.text !== undefined, { message: 'Missing `html` or `text` field.', path: ['html'] });

export type SendEmailRequest = z.output<typeof sendEmailSchema>;

const REQUIRED = ['from', 'to', 'subject'] as const;

/** Parses one email of a request; `where` prefixes messages in a batch ("emails[3]"). */
export function parseSendEmail(input: unknown, where?: string): SendEmailRequest {
  const prefix = where ? `${where}: ` : '';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badInput(where ?? 'body', `${prefix}The request body must be a JSON object.`);
  }
  for (const field of REQUIRED) {
    if ((input as Record<string, unknown>)[field] === undefined) {
      throw badInput(field, `${prefix}Missing \`${field}\` field.`, 'missing_required_field');
    }
  }
  const parsed = sendEmailSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || 'body';
    throw new AppError(ErrorCode.BAD_USER_INPUT, `${prefix}${issue.message}`, field, undefined, 'validation_error');
  }
  return parsed.data;
}
