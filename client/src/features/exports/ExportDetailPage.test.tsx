import { ApolloLink } from '@apollo/client';
import { MockLink, MockSubscriptionLink } from '@apollo/client/testing';
import { act, screen, waitFor, within } from '@testing-library/react';
import { OperationTypeNode } from 'graphql';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { adminUser, memberUser, renderWithProviders } from '../../test/render';
import { filterKeysMock } from '../api-keys/test-fixtures';
import { ExportDetailQuery } from './documents';
import { ExportDetailPage } from './ExportDetailPage';
import { anExport } from './test-fixtures';
import { sentence } from '../../test/text';

const detailMock = (exp: ReturnType<typeof anExport>) => ({
  request: { query: ExportDetailQuery, variables: { id: exp.id } },
  result: { data: { export: exp } },
});

/** Queries answered from mocks; the progress subscription driven by the test. */
function renderDetail(exp: ReturnType<typeof anExport>, user = adminUser, mocks: readonly MockLink.MockedResponse[] = []) {
  const progress = new MockSubscriptionLink();
  const link = ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, progress, new MockLink([detailMock(exp), ...mocks]));
  const view = renderWithProviders(
    <Routes>
      <Route path="/exports/:id" element={<ExportDetailPage />} />
    </Routes>,
    { route: `/exports/${exp.id}`, user, link },
  );
  const emit = (changes: Record<string, unknown>) => act(() => progress.simulateResult({ result: { data: { exportProgress: { ...exp, ...changes } } } }));
  return { ...view, progress, emit };
}

const processing = anExport('e1', {
  resource: 'EMAILS',
  status: 'PROCESSING',
  // A large export is not counted up front: PostgreSQL's estimate until it is READY.
  rowCount: null,
  estimatedRowCount: 1100,
  processedRows: 0,
  downloadUrl: null,
  expiresAt: null,
  completedAt: null,
  fileSizeBytes: null,
  filters: { status: 'sent' },
});

const bar = () => screen.getByRole('progressbar', { name: 'Export progress' });

describe('ExportDetailPage', () => {
  it('says "more than 1,000" when the estimate is only the floor the server knows', async () => {
    renderDetail({ ...processing, estimatedRowCount: 1001 });
    expect(await screen.findByText('0 of more than 1,000 emails written…')).toBeTruthy();
    expect(bar().getAttribute('aria-valuetext')).toBe('0 of more than 1,000 rows');
  });

  it('shows no made-up share done when the server only knows there are more than 1,000 rows', async () => {
    // Seen with 301,203 emails just written (no ANALYZE yet): the planner's estimate was the floor,
    // 1,001, and the bar sat at 99% from the 1,001st row on while 42,672 of them were written.
    const { emit } = renderDetail({ ...processing, estimatedRowCount: 1001 });
    expect(await screen.findByText('0 of more than 1,000 emails written…')).toBeTruthy();
    expect(bar().hasAttribute('aria-valuenow')).toBe(false);
    await emit({ processedRows: 42_672 });
    expect(await screen.findByText('42,672 emails written…')).toBeTruthy();
    expect(screen.queryByText(/of more than 1,000/)).toBeNull();
    expect(bar().hasAttribute('aria-valuenow')).toBe(false);
    expect(bar().getAttribute('aria-valuetext')).toBe('42,672 rows written');
    await emit({ status: 'READY', rowCount: 301_203, processedRows: 301_203, completedAt: new Date().toISOString() });
    await waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('100'));
    expect(screen.getByText('301,203 rows ready')).toBeTruthy();
  });

  it('moves the progress bar as the subscription reports rows, then offers the download', async () => {
    const { progress, emit } = renderDetail(processing);
    expect(await screen.findByRole('heading', { name: 'Emails export', level: 1 })).toBeTruthy();
    expect(bar().getAttribute('aria-valuenow')).toBe('0');
    expect(screen.getByText('0 of about 1,100 emails written…')).toBeTruthy();
    expect(screen.getByText('Processing')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull();
    // The file can be downloaded already, as it is written.
    const streaming = screen.getByRole('link', { name: 'Download while it is written' });
    expect(streaming.getAttribute('href')).toBe('/api/exports/e1/download');
    expect(streaming.hasAttribute('download')).toBe(true);
    expect(streaming.getAttribute('aria-describedby')).toBe('export-stream-note');
    expect(document.getElementById('export-stream-note')?.textContent).toMatch(/completes when the export is ready/);

    await waitFor(() => expect(progress.operation?.operationName).toBe('ExportProgress'));
    expect(progress.operation?.variables).toEqual({ id: 'e1' });

    await emit({ processedRows: 550 });
    await waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('50'));
    expect(bar().getAttribute('aria-valuetext')).toBe('550 of about 1,100 rows');
    expect(screen.getByText('550 of about 1,100 emails written…')).toBeTruthy();

    // More rows than estimated: the bar waits at 99% rather than claiming to be done.
    await emit({ processedRows: 1150 });
    await waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('99'));
    // Not "1,150 of about 1,100": past the estimate, only what is written.
    expect(screen.getByText('1,150 emails written…')).toBeTruthy();
    expect(bar().getAttribute('aria-valuetext')).toBe('1,150 rows written');

    await emit({
      status: 'READY',
      rowCount: 1100,
      processedRows: 1100,
      downloadUrl: 'http://keyring.test/api/exports/e1/download',
      completedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      fileSizeBytes: 123_456,
    });
    await waitFor(() => expect(bar().getAttribute('aria-valuenow')).toBe('100'));
    expect(screen.getByText('Ready')).toBeTruthy();
    expect(screen.getByText('1,100 rows ready')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe('/api/exports/e1/download');
    expect(screen.queryByRole('link', { name: 'Download while it is written' })).toBeNull();
    expect(screen.getByLabelText('Export details').textContent).toContain('120.6 kB');
  });

  it('offers members no download while it is written either', async () => {
    // The server gives members no streamUrl; the page does not rely on it alone.
    renderDetail({ ...processing, id: 'e5' }, memberUser);
    await screen.findByRole('heading', { name: 'Emails export', level: 1 });
    expect(screen.getByText('Processing')).toBeTruthy();
    expect(screen.queryByRole('link', { name: /download/i })).toBeNull();
    expect(document.getElementById('export-stream-note')).toBeNull();
  });

  it('never offers members the download', async () => {
    renderDetail(anExport('e2', { downloadUrl: null }), memberUser);
    await screen.findByRole('heading', { name: 'Logs export', level: 1 });
    expect(bar().getAttribute('aria-valuenow')).toBe('100');
    expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull();
    expect(screen.getByText('Only admins can download exports.')).toBeTruthy();
  });

  it("names the API key it was filtered by, from the query that the list pages' API key filter uses", async () => {
    renderDetail(anExport('e5', { filters: { apiKeyId: 'k1', statusClass: 4 } }), memberUser, [filterKeysMock([{ id: 'k1', name: 'Production' }])]);
    const summary = await screen.findByText(sentence('API key: Production · Status: 4xx'));
    // The key's name is the user's text, isolated: a right-to-left name keeps its punctuation.
    expect(within(summary).getByText('Production').tagName).toBe('BDI');
  });

  it('says why an export failed', async () => {
    renderDetail(anExport('e3', { status: 'FAILED', processedRows: 300, rowCount: 1200, downloadUrl: null, error: 'The job timed out.' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'The job timed out. Try exporting again.');
    expect(screen.getByText('Failed')).toBeTruthy();
    expect(bar().getAttribute('aria-valuenow')).toBe('25');
  });

  it('shows an expired export without a download: "Expired" once, with Export again', async () => {
    renderDetail(anExport('e4', { status: 'EXPIRED', downloadUrl: null, expiresAt: new Date(Date.now() - 86_400_000).toISOString() }));
    await screen.findByRole('heading', { name: 'Logs export', level: 1 });
    expect(screen.getAllByText('Expired')).toHaveLength(1);
    expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull();
    expect(screen.getByText(/Downloads work for 7 days/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export again' })).toBeTruthy();
  });

  it('turns a ready export open on screen into Expired, with no Download CSV, once its download has expired', async () => {
    // Reported: the page kept offering Download CSV (which answered 410) until it was reloaded.
    const soon = anExport('e9', { expiresAt: new Date(Date.now() + 1500).toISOString() });
    const expired = anExport('e9', { status: 'EXPIRED', expiresAt: soon.expiresAt, downloadUrl: null, streamUrl: null });
    renderDetail(soon, adminUser, [detailMock(expired)]);
    expect(await screen.findByRole('link', { name: 'Download CSV' })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull(), { timeout: 5000 });
    expect(screen.getByText('Expired')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Export again' })).toBeTruthy();
  });
});
