import { ListState } from '../../app/ListState';
import { usePageTitle } from '../../app/page-title';
import { useThresholds } from '../../app/session';
import { useCursorList } from '../../app/useCursorList';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeader } from '../../ui/PageHeader';
import { useApiKeyFilterKeys } from '../api-keys';
import { ExportsTable } from './components/ExportsTable';
import { FollowExport } from './components/FollowExport';
import { RefreshAtExpiry } from './components/RefreshAtExpiry';
import { ExportsPageQuery } from './documents';

const PAGE_SIZE = 25;

export function ExportsPage() {
  usePageTitle('Exports');
  const { exportDownloadDays } = useThresholds();
  // Exports change status on their own: show what is cached, then what is true now.
  const list = useCursorList(ExportsPageQuery, { variables: { first: PAGE_SIZE }, connection: (d) => d.exports, refreshWhenShown: true });
  const exports = list.nodes;
  const filteredByKey = exports.some((e) => e.filters && typeof e.filters === 'object' && 'apiKeyId' in e.filters);
  const { keyName } = useApiKeyFilterKeys({ skip: !filteredByKey });

  return (
    <>
      <PageHeader title="Exports" description={`CSV exports of your team's data. Each file can be downloaded by admins for ${exportDownloadDays} days.`} />
      <ListState
        list={list}
        noun="exports"
        empty={
          <EmptyState title="No exports yet">
            <p>Use the Export button on the Logs, Emails, Contacts, Broadcasts, Domains or API Keys page.</p>
          </EmptyState>
        }
      >
        {(rows) => (
          <>
            <ExportsTable exports={rows} keyName={keyName} />
            {/* A running export turns Ready (or Failed) here too, not only on its own page. */}
            {rows
              .filter((e) => e.status === 'PROCESSING')
              .map((e) => (
                <FollowExport key={e.id} id={e.id} />
              ))}
            {/* A ready export turns Expired here when its download ends, without a reload. */}
            {rows
              .filter((e) => e.status === 'READY' && e.expiresAt)
              .map((e) => (
                <RefreshAtExpiry key={e.id} id={e.id} status={e.status} expiresAt={e.expiresAt} />
              ))}
          </>
        )}
      </ListState>
    </>
  );
}
