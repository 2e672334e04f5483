import { useQuery } from '@apollo/client/react';
import { format, parseISO } from 'date-fns';
import { Link, useLocation, useParams } from 'react-router';
import { queryErrorMessage } from '../../app/errors';
import { listSearch } from '../../app/url-filters';
import { type Description, DescriptionList } from '../../ui/DescriptionList';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorState, Loading } from '../../ui/Loading';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { EmailBody } from './components/EmailBody';
import { EmailStatus, SentBy } from './components/EmailsTable';
import { EmailDetailQuery } from './documents';
import './emails.css';

const exact = (value: string) => <time dateTime={value}>{format(parseISO(value), 'PPpp')}</time>;

/** A row for a list of addresses, left out when there are none. */
const addresses = (term: string, list: readonly string[]): Description[] => (list.length ? [{ term, details: list.join(', ') }] : []);

export function EmailDetailPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { data, loading, error, refetch } = useQuery(EmailDetailQuery, { variables: { id } });
  const back = (
    <p className="back-link">
      <Link to={`/emails${listSearch(location.state)}`}>← Emails</Link>
    </p>
  );

  if (loading && !data) return <Loading label="Loading the email" />;
  if (error && !data) return <ErrorState message={queryErrorMessage(error)} onRetry={() => refetch()} />;
  const email = data?.email;
  if (!email) {
    return (
      <>
        {back}
        <EmptyState title="Email not found">
          <p>It may belong to another team, or the link is mistyped.</p>
        </EmptyState>
      </>
    );
  }

  let outcome: Description;
  if (email.status === 'failed') {
    outcome = { term: 'Error', details: <span className="email-error">{email.error ?? 'The email could not be sent.'}</span> };
  } else if (email.status === 'queued' && email.error) {
    // Refused by the relay and queued for another attempt: say why it has not gone yet.
    outcome = { term: 'Retrying', details: <span className="email-error">Last attempt refused: {email.error}</span> };
  } else {
    outcome = { term: 'Sent', details: email.sentAt ? exact(email.sentAt) : <span className="muted">Not yet</span> };
  }

  return (
    <>
      {back}
      <PageHeader
        title={email.subject}
        description={
          <>
            <EmailStatus status={email.status} /> <RelativeTime value={email.createdAt} />
          </>
        }
      />
      <DescriptionList
        label="Email details"
        items={[
          { term: 'From', details: email.from },
          ...addresses('To', email.to),
          ...addresses('Cc', email.cc),
          ...addresses('Bcc', email.bcc),
          ...addresses('Reply-To', email.replyTo),
          { term: 'Created', details: exact(email.createdAt) },
          ...(email.scheduledAt ? [{ term: email.status === 'canceled' ? 'Was scheduled for' : 'Scheduled for', details: exact(email.scheduledAt) }] : []),
          outcome,
          ...(email.apiKeyId ? [{ term: 'API key', details: <SentBy email={email} /> }] : []),
          { term: 'Email ID', details: <span className="mono">{email.id}</span> },
          ...(email.messageId ? [{ term: 'Message-ID', details: <span className="mono">{email.messageId}</span> }] : []),
        ]}
      />
      <EmailBody html={email.html} text={email.text} />
    </>
  );
}
