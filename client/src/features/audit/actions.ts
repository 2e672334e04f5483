import { format, isValid, parseISO } from 'date-fns';
import { isolate } from '../../ui/UserText';

/** What an audit event's action reads as: `api_key.previous_token_expired` → "API key: previous token expired". */
const SUBJECTS: Record<string, string> = { api_key: 'API key', domain: 'Domain', export: 'Export', member: 'Member', team: 'Team' };

export function actionLabel(action: string): string {
  const dot = action.indexOf('.');
  if (dot < 0) return action;
  const subject = SUBJECTS[action.slice(0, dot)] ?? action.slice(0, dot).replaceAll('_', ' ');
  return `${subject} ${action.slice(dot + 1).replaceAll('_', ' ')}`;
}

/** Where an event's target is shown in the dashboard, while it exists; null when nowhere. */
export function targetPath(action: string, targetId: string | null | undefined): string | null {
  if (!targetId || action.endsWith('.deleted')) return null;
  if (action.startsWith('api_key.')) return `/api-keys/${targetId}`;
  if (action.startsWith('domain.')) return `/domains/${targetId}`;
  if (action.startsWith('export.')) return `/exports/${targetId}`;
  return null;
}

const PERMISSIONS: Record<string, string> = { FULL_ACCESS: 'Full access', SENDING_ACCESS: 'Sending access' };
const ROLES: Record<string, string> = { ADMIN: 'Admin', MEMBER: 'Member' };
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A duration in seconds in words: "7 days", "2 hours", "0 seconds". */
function duration(seconds: number): string {
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}${seconds === size ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

/** One value in words: an instant in the reader's time zone, a permission or role by its label. */
function text(key: string, v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' && ISO.test(v)) {
    const d = parseISO(v);
    if (isValid(d)) return format(d, 'MMM d, yyyy, HH:mm');
  }
  if (key === 'permission' && typeof v === 'string') return PERMISSIONS[v] ?? v;
  if ((key === 'role' || key === 'from' || key === 'to') && typeof v === 'string' && ROLES[v]) return ROLES[v];
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return Array.isArray(v) ? v.map((x) => text(key, x)).join(', ') : fields(v as Record<string, unknown>, ', ');
  // A name or address as someone wrote it: isolated, so that a Hebrew name's "!" stays at its end.
  if (typeof v === 'string') return isolate(v);
  return String(v);
}

/** How a metadata key reads. */
const LABELS: Record<string, string> = { gracePeriodSeconds: 'grace period', rowCount: 'rows', tokenStart: 'token', wasValidUntil: 'was valid until' };
const label = (key: string) => LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** A change is recorded as { from, to } and nothing else. */
const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
  Boolean(v) &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.keys(v as object)
    .sort()
    .join() === 'from,to';

function fields(metadata: Record<string, unknown>, separator: string): string {
  const keys = Object.keys(metadata);
  return Object.entries(metadata)
    .filter(([key]) => {
      // An id beside its name says nothing more to a reader: domainId beside domain, userId beside email.
      if (key === 'domainId') return !keys.includes('domain');
      if (key === 'userId') return !keys.includes('email');
      return true;
    })
    .map(([key, value]) => {
      if (key === 'gracePeriodSeconds' && typeof value === 'number')
        return `${label(key)}: ${value === 0 ? 'none, the old token stopped at once' : duration(value)}`;
      // A second roll ended the first roll's old token before its grace period was over.
      if (key === 'previousTokenEnded' && value && typeof value === 'object' && !Array.isArray(value)) {
        const { tokenStart, wasValidUntil } = value as { tokenStart?: unknown; wasValidUntil?: unknown };
        return `previous token ${text('tokenStart', tokenStart)}… ended early (was valid until ${text('wasValidUntil', wasValidUntil)})`;
      }
      if (key === 'filters' && value && typeof value === 'object' && !Array.isArray(value)) {
        const inner = fields(value as Record<string, unknown>, ', ');
        return `${label(key)}: ${inner || 'none'}`;
      }
      if (isChange(value)) return `${label(key)}: ${text(key, value.from)} → ${text(key, value.to)}`;
      // Any other nested record: its fields in brackets, so they do not read as the event's own.
      if (value && typeof value === 'object' && !Array.isArray(value)) return `${label(key)} (${fields(value as Record<string, unknown>, ', ') || 'none'})`;
      return `${label(key)}: ${text(key, value)}`;
    })
    .join(separator);
}

/** An event's metadata in one line: `name: Old → New · permission: Full access`. */
export function describeMetadata(metadata: unknown): string {
  if (metadata === null || metadata === undefined) return '';
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return text('', metadata);
  // A role change is recorded as { from, to } at the top.
  if (isChange(metadata)) return `role: ${text('role', metadata.from)} → ${text('role', metadata.to)}`;
  return fields(metadata as Record<string, unknown>, ' · ');
}
