import { useQuery } from '@apollo/client/react';
import { format, parseISO } from 'date-fns';
import { Link, useLocation } from 'react-router';
import { DetailPage } from '../../app/DetailPage';
import { usePageTitle } from '../../app/page-title';
import { listSearch, useRouteId } from '../../app/url-filters';
import { Button } from '../../ui/Button';
import { copyToClipboard } from '../../ui/CopyField';
import { DescriptionList } from '../../ui/DescriptionList';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { JsonBody } from './components/JsonBody';
import { formatDuration, keyNameOf } from './components/LogsTable';
import { StatusCode } from './components/StatusCode';
import { LogDetailQuery } from './documents';
import { UserText } from '../../ui/UserText';

/** A shell word in single quotes ('it'\''s'). */
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The request as a curl command against this server, its body as logged (secrets were redacted
 * when it was logged) and the key as $RESEND_API_KEY: never a real token.
 */
export function curlOf(log: { method: string; endpoint: string; requestBody?: unknown }, origin: string): string {
  const parts = [`curl -X ${log.method} ${shellQuote(`${origin}/api${log.endpoint}`)}`, `-H 'Authorization: Bearer '"$RESEND_API_KEY"`];
  if (log.requestBody !== null && log.requestBody !== undefined) {
    parts.push(`-H 'Content-Type: application/json'`, `-d ${shellQuote(JSON.stringify(log.requestBody))}`);
  }
  return parts.join(' \\\n  ');
}

const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v);

/** The emails a successful send or batch created, as its response names them. */
export function createdEmails(log: { method: string; endpoint: string; statusCode: number; responseBody?: unknown }): string[] {
  if (log.method !== 'POST' || log.statusCode < 200 || log.statusCode > 299) return [];
  const body = log.responseBody as { id?: unknown; data?: unknown } | null | undefined;
  if (log.endpoint === '/emails') return isId(body?.id) ? [body.id] : [];
  if (log.endpoint === '/emails/batch' && Array.isArray(body?.data)) return body.data.map((e: { id?: unknown }) => e?.id).filter(isId);
  return [];
}

export function LogDetailPage() {
  const id = useRouteId();
  const location = useLocation();
  const query = useQuery(LogDetailQuery, { variables: { id } });
  const shown = query.data?.usageLog;
  usePageTitle(shown ? `${shown.method} ${shown.endpoint} · Logs` : 'Request');
  return (
    <DetailPage query={query} item={query.data?.usageLog} back={{ to: `/logs${listSearch(location.state)}`, label: 'Logs' }} noun="Request">
      {(log) => (
        <>
          <PageHeader
            title={`${log.method} ${log.endpoint}`}
            actions={<Button onClick={() => copyToClipboard(curlOf(log, window.location.origin))}>Copy as curl</Button>}
            description={
              <>
                <StatusCode code={log.statusCode} /> <RelativeTime value={log.createdAt} />
              </>
            }
          />
          <DescriptionList
            label="Request details"
            items={[
              { term: 'Status', details: <StatusCode code={log.statusCode} /> },
              { term: 'Method', details: <span className="mono">{log.method}</span> },
              { term: 'Endpoint', details: <span className="mono">{log.endpoint}</span> },
              {
                term: 'API key',
                details: log.apiKeyId ? (
                  <Link to={`/logs?apiKeyId=${encodeURIComponent(log.apiKeyId)}`} dir="auto">
                    {keyNameOf(log)}
                  </Link>
                ) : (
                  <UserText>{keyNameOf(log)}</UserText>
                ),
              },
              { term: 'Time', details: <time dateTime={log.createdAt}>{format(parseISO(log.createdAt), 'PPpp')}</time> },
              { term: 'Duration', details: formatDuration(log.durationMs) },
              { term: 'User agent', details: <span className="mono">{log.userAgent ?? '—'}</span> },
              { term: 'Request ID', details: <span className="mono">{log.id}</span> },
              ...emailItems(createdEmails(log)),
            ]}
          />
          <div className="json-bodies">
            <JsonBody title="Request body" value={log.requestBody} />
            <JsonBody title="Response body" value={log.responseBody} />
          </div>
        </>
      )}
    </DetailPage>
  );
}

/** A link to each email the request created (a batch holds up to 100). */
function emailItems(ids: string[]) {
  if (ids.length === 0) return [];
  return [
    {
      term: ids.length === 1 ? 'Email' : `Emails (${ids.length})`,
      details: (
        <ul className="inline-list">
          {ids.map((id) => (
            <li key={id}>
              <Link to={`/emails/${id}`} className="mono">
                {id}
              </Link>
            </li>
          ))}
        </ul>
      ),
    },
  ];
}
