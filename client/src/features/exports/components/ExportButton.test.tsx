import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MailRelayQuery } from '../../../app/mail-relay';
import { LocationProbe } from '../../../test/LocationProbe';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../../test/render';
import { CreateExportMutation } from '../hooks/useCreateExportMutation';
import { anExport } from '../test-fixtures';
import { ExportButton } from './ExportButton';
import { ExportEstimateQuery } from './ExportDialog';

const input = { resource: 'LOGS', logs: { responseClass: 'CLIENT_ERROR', from: '2026-01-01T00:00:00.000Z' } } as const;
const filterLabels = [
  { filter: 'statusClass', label: 'Status', value: '4xx' },
  { filter: 'from', label: 'From', value: 'Jan 1, 2026' },
];

const createMock = (result: object) => ({
  request: { query: CreateExportMutation, variables: { input } },
  result,
});

function renderButton(mocks: unknown[], user = adminUser) {
  return renderWithProviders(
    <>
      <ExportButton input={input} filterLabels={filterLabels} />
      <LocationProbe />
    </>,
    { route: '/logs?status=4xx', user, mocks: mocks as never[] },
  );
}

describe('ExportButton', () => {
  let clicked: string[];
  beforeEach(() => {
    clicked = [];
    // jsdom cannot download: record what the browser would have fetched.
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.getAttribute('href')} download=${this.hasAttribute('download')}`);
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('is not there for members', () => {
    renderButton([], memberUser);
    expect(screen.queryByRole('button', { name: 'Export' })).toBeNull();
  });

  it('confirms the resource, the rows it would hold and the filters before exporting', async () => {
    const { user } = renderButton([
      {
        request: { query: ExportEstimateQuery, variables: { input } },
        result: { data: { exportEstimate: { __typename: 'ExportEstimateResult', rowCount: 42, exact: true } } },
      },
    ]);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    expect(
      within(dialog)
        .getAllByRole('term')
        .map((t) => t.textContent),
    ).toEqual(['Resource', 'Status', 'From']);
    await waitFor(() =>
      expect(
        within(dialog)
          .getAllByRole('definition')
          .map((d) => d.textContent),
      ).toEqual(['Logs', '4xx', 'Jan 1, 2026']),
    );
    // The rows it would hold, before anything is exported.
    expect(await within(dialog).findByText('This export holds 42 rows.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(clicked).toEqual([]);
  });

  it.each([
    [false, 'the file will be on its page when it is ready', 'email'],
    [true, 'we email you a link when it is ready', 'on its page'],
  ])('says where a large export will be, as the mail relay allows (relay: %s)', async (mailRelay, says, doesNotSay) => {
    const { user } = renderButton([{ request: { query: MailRelayQuery }, result: { data: { sendingPolicy: { __typename: 'SendingPolicy', mailRelay } } } }]);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    await waitFor(() => expect(dialog.textContent).toContain(says));
    expect(dialog.textContent).not.toContain(doesNotSay);
  });

  it('says when the rows could not be counted, rather than nothing', async () => {
    const { user } = renderButton([
      {
        request: { query: ExportEstimateQuery, variables: { input } },
        result: { errors: [gqlError('The database is unavailable. Try again in a moment.', 'SERVICE_UNAVAILABLE')] },
      },
    ]);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    expect(await within(dialog).findByText('The rows could not be counted: The database is unavailable. Try again in a moment.')).toBeTruthy();
    // Export itself stays offered.
    expect(within(dialog).getByRole('button', { name: 'Export' })).toBeTruthy();
  });

  it('says when nothing is filtered', async () => {
    const { user } = renderWithProviders(<ExportButton input={{ resource: 'API_KEYS' }} filterLabels={[]} />, {
      user: adminUser,
    });
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export API keys' });
    expect(
      within(dialog)
        .getAllByRole('definition')
        .map((d) => d.textContent),
    ).toEqual(['API keys', "None: every one of your team's API keys"]);
  });

  it('downloads a small export at once, from this origin', async () => {
    const { user } = renderButton([createMock({ data: { createExport: anExport('e1', { rowCount: 4 }) } })]);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    await user.click(within(dialog).getByRole('button', { name: 'Export' }));

    await waitFor(() => expect(clicked).toEqual(['/api/exports/e1/download download=true']));
    expect(await screen.findByText('Exported 4 rows. Your download has started.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('location').textContent).toBe('/logs?status=4xx');
  });

  it('follows a large export on its own page', async () => {
    const processing = anExport('e2', { status: 'PROCESSING', rowCount: null, estimatedRowCount: 5000, processedRows: 0, downloadUrl: null });
    const { user } = renderButton([createMock({ data: { createExport: processing } })]);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Export' }));

    await waitFor(() => expect(screen.getByTestId('location').textContent).toBe('/exports/e2'));
    expect(clicked).toEqual([]);
    expect(await screen.findByText(/Preparing about 5,000 rows/)).toBeTruthy();
  });

  it('shows a filter error beside that filter, and other errors as toasts', async () => {
    const { user } = renderButton([
      createMock({
        errors: [gqlError('The date range starts after it ends: "from" must be before "to".', 'BAD_USER_INPUT', 'filters.from')],
      }),
      createMock({ errors: [gqlError('Only admins can do this.', 'FORBIDDEN')] }),
    ]);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    const dialog = await screen.findByRole('dialog', { name: 'Export logs' });
    await user.click(within(dialog).getByRole('button', { name: 'Export' }));

    const error = await within(dialog).findByText('The date range starts after it ends: "from" must be before "to".');
    expect(error.closest('dd')?.textContent).toContain('Jan 1, 2026');

    await user.click(within(dialog).getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('Only admins can do this.')).toBeTruthy();
    expect(within(dialog).queryByText('Only admins can do this.')).toBeNull();
    expect(within(dialog).queryByText(/The date range starts after it ends/)).toBeNull();
    expect(clicked).toEqual([]);
  });
});
