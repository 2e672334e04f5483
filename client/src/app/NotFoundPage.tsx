import { Link } from 'react-router';
import { EmptyState } from '../ui/EmptyState';
import { PageHeader } from '../ui/PageHeader';
import { usePageTitle } from './page-title';

export function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="Nothing lives at this address">
        <p>
          Check the link, or go back to <Link to="/api-keys">API Keys</Link>.
        </p>
      </EmptyState>
    </>
  );
}
