import { Link } from 'react-router';
import type { AuditTable_EventFragment } from '../../../gql/graphql';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { actionLabel, describeMetadata, targetPath } from '../actions';
import { UserText } from '../../../ui/UserText';

export function AuditTable({ events, keyName }: { events: readonly AuditTable_EventFragment[]; keyName: (id: string) => string | undefined }) {
  const columns: Column<AuditTable_EventFragment>[] = [
    {
      header: 'When',
      cell: (e) => (
        <span className="audit-nowrap">
          <RelativeTime value={e.createdAt} />
        </span>
      ),
    },
    {
      header: 'Action',
      cell: (e) => (
        <span title={e.action} className="audit-nowrap">
          <span className="cell-strong">{actionLabel(e.action)}</span>
        </span>
      ),
    },
    {
      header: 'By',
      cell: (e) => {
        if (e.actor) return <UserText>{e.actor.email}</UserText>;
        if (e.actorApiKeyId) {
          const name = keyName(e.actorApiKeyId);
          return (
            <Link to={`/api-keys/${e.actorApiKeyId}`}>
              {name ? (
                <>
                  API key <UserText>{name}</UserText>
                </>
              ) : (
                'An API key'
              )}
            </Link>
          );
        }
        return '—';
      },
    },
    {
      header: 'Target',
      cell: (e) => {
        const path = targetPath(e.action, e.targetId);
        const label = <span className="mono">{e.targetId ? e.targetId.slice(0, 8) : '—'}</span>;
        return path ? <Link to={path}>{label}</Link> : label;
      },
    },
    {
      header: 'Details',
      cell: (e) => {
        const details = describeMetadata(e.metadata);
        return (
          <span className="muted" title={details} dir="auto">
            {details.length > 120 ? `${details.slice(0, 119)}…` : details || '—'}
          </span>
        );
      },
    },
  ];
  return <Table label="Audit log" columns={columns} rows={events} rowKey={(e) => e.id} />;
}
