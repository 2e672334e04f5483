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

const text = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** An event's metadata in one line: `name: Old → New · permission: FULL_ACCESS`. */
export function describeMetadata(metadata: unknown): string {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return metadata === null || metadata === undefined ? '' : text(metadata);
  return Object.entries(metadata as Record<string, unknown>)
    .map(([key, value]) => {
      if (value && typeof value === 'object' && 'from' in value && 'to' in value) {
        const change = value as { from: unknown; to: unknown };
        return `${key}: ${text(change.from)} → ${text(change.to)}`;
      }
      return `${key}: ${text(value)}`;
    })
    .join(' · ');
}
