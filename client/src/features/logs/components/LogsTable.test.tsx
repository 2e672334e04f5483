import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import { withStylesheets } from '../../../test/stylesheets';
import { LogsTable } from './LogsTable';

withStylesheets('app/styles.css', 'features/logs/logs.css');

const log = {
  __typename: 'UsageLog' as const,
  id: 'l1',
  method: 'POST',
  endpoint: '/emails',
  statusCode: 422,
  errorName: 'missing_required_field',
  errorMessage: 'Missing `to` field.',
  durationMs: 1250,
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  createdAt: new Date(Date.now() - 28 * 60_000).toISOString(),
  apiKeyId: 'k1',
  apiKeyName: 'Production',
  apiKey: { __typename: 'ApiKey' as const, id: 'k1', name: 'Production' },
};

describe('LogsTable layout', () => {
  it('keeps the time and the duration on one line, and lets the error take a second line instead', () => {
    renderWithProviders(<LogsTable logs={[log]} search="" />);
    const row = within(screen.getByRole('table', { name: 'Logs' })).getAllByRole('row')[1];
    // "28 minutes ago" wrapped over three lines at 1280 px.
    const time = within(row).getByText('28 minutes ago').closest('td');
    expect(time && getComputedStyle(time).whiteSpace).toBe('nowrap');
    const duration = within(row).getByText('1.25 s').closest('td');
    expect(duration && getComputedStyle(duration).whiteSpace).toBe('nowrap');
    const error = within(row).getByTitle('missing_required_field: Missing `to` field.');
    expect(getComputedStyle(error).whiteSpace).toBe('normal');
  });
});
