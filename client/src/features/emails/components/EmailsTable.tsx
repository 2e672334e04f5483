import { Link, useNavigate } from 'react-router';
import type { EmailsTable_EmailFragment } from '../../../gql/graphql';
import { Badge, type BadgeTone } from '../../../ui/Badge';
import { menuColumn } from '../../../ui/Menu';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { UserText } from '../../../ui/UserText';

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  scheduled: { label: 'Scheduled', tone: 'yellow' },
  canceled: { label: 'Canceled', tone: 'neutral' },
  queued: { label: 'Queued', tone: 'neutral' },
  sending: { label: 'Sending', tone: 'blue' },
  sent: { label: 'Sent', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

export function EmailStatus({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, tone: 'neutral' };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

/** The key that sent it, linked to its page; the key may have been deleted since. */
export function SentBy({ email }: { email: EmailsTable_EmailFragment }) {
  if (email.apiKey) {
    return (
      <Link to={`/api-keys/${encodeURIComponent(email.apiKey.id)}`} className="cell-clip" title={email.apiKey.name} dir="auto">
        {email.apiKey.name}
      </Link>
    );
  }
  return <span className="muted">{email.apiKeyId ? 'Deleted key' : '—'}</span>;
}

/** `search` is the list's query string, carried to the detail page so that going back keeps the filters. */
export function EmailsTable({
  emails,
  search,
  onCancel,
}: {
  emails: readonly EmailsTable_EmailFragment[];
  search: string;
  /** Absent for members, who may not cancel scheduled emails. */
  onCancel?: (email: EmailsTable_EmailFragment) => void;
}) {
  const navigate = useNavigate();
  const columns: Column<EmailsTable_EmailFragment>[] = [
    {
      header: 'To',
      cell: (e) => (
        <span className="cell-strong cell-clip" title={e.to.join(', ')}>
          <UserText>{e.to[0]}</UserText>
          {e.to.length > 1 && <span className="muted"> +{e.to.length - 1}</span>}
        </span>
      ),
    },
    {
      header: 'Subject',
      cell: (e) => (
        <Link to={`/emails/${encodeURIComponent(e.id)}`} state={{ search }} className="cell-clip" title={e.subject} dir="auto">
          {e.subject}
        </Link>
      ),
    },
    {
      header: 'Status',
      cell: (e) => (
        <span title={e.error ?? undefined}>
          <EmailStatus status={e.status} />
          {e.status === 'scheduled' && e.scheduledAt && (
            <span className="muted">
              {' '}
              <RelativeTime value={e.scheduledAt} />
            </span>
          )}
        </span>
      ),
    },
    {
      header: 'From',
      cell: (e) => (
        <span className="cell-clip" dir="auto">
          {e.from}
        </span>
      ),
    },
    { header: 'API key', cell: (e) => <SentBy email={e} /> },
    { header: 'Created', cell: (e) => <RelativeTime value={e.createdAt} /> },
  ];
  if (onCancel && emails.some((e) => e.status === 'scheduled')) {
    columns.push(
      menuColumn(
        (e) => e.subject,
        (e) => (e.status === 'scheduled' ? [{ label: 'Cancel email', tone: 'danger', onSelect: () => onCancel(e) }] : null),
        { sticky: true },
      ),
    );
  }
  // A click anywhere on a row opens the email, as on Logs; keyboard users have the subject's link.
  return (
    <Table
      label="Emails"
      columns={columns}
      rows={emails}
      rowKey={(e) => e.id}
      onRowClick={(e) => navigate(`/emails/${encodeURIComponent(e.id)}`, { state: { search } })}
    />
  );
}
