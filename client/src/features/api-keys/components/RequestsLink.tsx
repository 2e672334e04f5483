import { Link } from 'react-router';
import { plural } from '../labels';

export const logsHref = (apiKeyId: string) => `/logs?apiKeyId=${encodeURIComponent(apiKeyId)}`;
export const emailsHref = (apiKeyId: string) => `/emails?apiKeyId=${encodeURIComponent(apiKeyId)}`;

/** The total number of requests, linking to this key's logs. */
export function RequestsLink({ apiKey }: { apiKey: { id: string; name: string; requestCount: number } }) {
  return (
    <Link
      to={logsHref(apiKey.id)}
      className="requests-link"
      aria-label={`${plural(apiKey.requestCount, 'request', 'requests')} with ${apiKey.name}: view logs`}
    >
      {apiKey.requestCount.toLocaleString('en-US')}
    </Link>
  );
}
