import { useQuery } from '@apollo/client/react';
import { format, parseISO } from 'date-fns';
import { useLocation } from 'react-router';
import { useRefreshWhenShown } from '../../app/polling';
import { DetailPage } from '../../app/DetailPage';
import { usePageTitle } from '../../app/page-title';
import { listSearch, useRouteId } from '../../app/url-filters';
import { type Description, DescriptionList } from '../../ui/DescriptionList';
import { PageHeader } from '../../ui/PageHeader';
import { RelativeTime } from '../../ui/RelativeTime';
import { EmailBody } from './components/EmailBody';
import { EmailStatus, SentBy } from './components/EmailsTable';
import { EmailDetailQuery } from './documents';
import { isolate, UserText } from '../../ui/UserText';
import { Fragment } from 'react';

const exact = (value: string) => <time dateTime={value}>{format(parseISO(value), 'PPpp')}</time>;

/** A row for a list of addresses, left out when there are none. */
const addresses = (term: string, list: readonly string[]): Description[] =>
  list.length
    ? [
        {
          term,
          details: list.map((a, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an address may repeat
            <Fragment key={i}>
              {i > 0 && ', '}
              <UserText>{a}</UserText>
            </Fragment>
          )),
        },
      ]
    : [];

/** Where the email stands: sent (or not yet), retrying after a refusal, or failed and why. */
function outcomeOf(email: { status: string; error?: string | null; sentAt?: string | null }): Description {
  if (email.status === 'failed') {
    return { term: 'Error', details: <span className="email-error">{email.error ?? 'The email could not be sent.'}</span> };
  }
  if (email.status === 'queued' && email.error) {
    // Refused by the relay and queued for another attempt: say why it has not gone yet.
    return { term: 'Retrying', details: <span className="email-error">Last attempt refused: {email.error}</span> };
  }
  return { term: 'Sent', details: email.sentAt ? exact(email.sentAt) : <span className="muted">Not yet</span> };
}

export function EmailDetailPage() {
  const id = useRouteId();
  const location = useLocation();
  // An email changes after it is first seen (scheduled, then sent or canceled; retried): what is cached, then what is true now.
  const query = useQuery(EmailDetailQuery, { variables: { id }, fetchPolicy: 'cache-and-network' });
  // And when its tab is shown again: sent or canceled while hidden, it read Scheduled with its Cancel.
  useRefreshWhenShown(query.refetch);
  const shown = query.data?.email;
  usePageTitle(shown ? `${isolate(shown.subject)} · Emails` : 'Email');
  return (
    <DetailPage query={query} item={query.data?.email} back={{ to: `/emails${listSearch(location.state)}`, label: 'Emails' }} noun="Email">
      {(email) => (
        <>
          <PageHeader
            title={<UserText>{email.subject}</UserText>}
            description={
              <>
                <EmailStatus status={email.status} /> <RelativeTime value={email.createdAt} />
              </>
            }
          />
          <DescriptionList
            label="Email details"
            items={[
              { term: 'From', details: <UserText>{email.from}</UserText> },
              ...addresses('To', email.to),
              ...addresses('Cc', email.cc),
              ...addresses('Bcc', email.bcc),
              ...addresses('Reply-To', email.replyTo),
              { term: 'Created', details: exact(email.createdAt) },
              ...(email.scheduledAt ? [{ term: email.status === 'canceled' ? 'Was scheduled for' : 'Scheduled for', details: exact(email.scheduledAt) }] : []),
              outcomeOf(email),
              ...(email.apiKeyId ? [{ term: 'API key', details: <SentBy email={email} /> }] : []),
              { term: 'Email ID', details: <span className="mono">{email.id}</span> },
              ...(email.messageId ? [{ term: 'Message-ID', details: <span className="mono">{email.messageId}</span> }] : []),
            ]}
          />
          <EmailBody html={email.html} text={email.text} />
        </>
      )}
    </DetailPage>
  );
}
