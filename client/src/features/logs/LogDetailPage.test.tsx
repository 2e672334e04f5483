import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { adminUser, renderWithProviders } from '../../test/render';
import { LogDetailQuery } from './documents';
import { LogDetailPage } from './LogDetailPage';

const requestBody = { from: 'Acme <hi@mail.example.com>', to: ['ada@example.com'], subject: 'Hello', html: '<p>Hi</p>' };
const responseBody = { statusCode: 422, name: 'validation_error', message: 'The `to` field is required.' };

const detail = (overrides: Record<string, unknown> = {}) => ({
  request: { query: LogDetailQuery, variables: { id: 'l1' } },
  result: {
    data: {
      usageLog: {
        __typename: 'UsageLog',
        id: 'l1',
        method: 'POST',
        endpoint: '/emails',
        statusCode: 422,
        errorName: 'validation_error' as string | null,
        errorMessage: 'The `to` field is required.' as string | null,
        durationMs: 8,
        userAgent: 'curl/8.5.0',
        createdAt: new Date(Date.now() - 3_600_000).toISOString(),
        apiKeyId: 'k1',
        apiKeyName: 'Production',
        apiKey: { __typename: 'ApiKey', id: 'k1', name: 'Production' },
        requestBody,
        responseBody,
        ...overrides,
      },
    },
  },
});

const renderDetail = (mocks: unknown[]) =>
  renderWithProviders(
    <Routes>
      <Route path="/logs/:id" element={<LogDetailPage />} />
    </Routes>,
    { route: '/logs/l1', user: adminUser, mocks: mocks as never[] },
  );

describe('LogDetailPage', () => {
  it('shows the request and response bodies as indented JSON', async () => {
    renderDetail([detail()]);
    expect(await screen.findByRole('heading', { name: 'POST /emails', level: 1 })).toBeTruthy();
    const request = screen.getByRole('region', { name: 'Request body' });
    const response = screen.getByRole('region', { name: 'Response body' });
    expect(request.querySelector('pre')?.textContent).toBe(JSON.stringify(requestBody, null, 2));
    expect(response.querySelector('pre')?.textContent).toBe(
      '{\n  "statusCode": 422,\n  "name": "validation_error",\n  "message": "The `to` field is required."\n}',
    );
  });

  it('shows who made the request, how it went, and links to that key’s logs', async () => {
    renderDetail([detail()]);
    const details = await screen.findByLabelText('Request details');
    expect(within(details).getByText('422').className).toContain('badge-yellow');
    expect(within(details).getByText('curl/8.5.0')).toBeTruthy();
    expect(within(details).getByText('8 ms')).toBeTruthy();
    expect(within(details).getByRole('link', { name: 'Production' }).getAttribute('href')).toBe('/logs?apiKeyId=k1');
  });

  it('links to the email a send created, and to each email of a batch', async () => {
    const id = '6f1c2d3e-0000-4000-8000-000000000001';
    const { unmount } = renderDetail([detail({ statusCode: 200, responseBody: { id } })]);
    const details = await screen.findByLabelText('Request details');
    expect(within(details).getByRole('link', { name: id }).getAttribute('href')).toBe(`/emails/${id}`);
    unmount();

    const ids = [id, '6f1c2d3e-0000-4000-8000-000000000002'];
    renderDetail([detail({ endpoint: '/emails/batch', statusCode: 200, responseBody: { data: ids.map((x) => ({ id: x })) } })]);
    const batch = await screen.findByLabelText('Request details');
    expect(within(batch).getByText('Emails (2)')).toBeTruthy();
    expect(
      within(batch)
        .getAllByRole('link', { name: /^6f1c2d3e/ })
        .map((a) => a.getAttribute('href')),
    ).toEqual(ids.map((x) => `/emails/${x}`));
  });

  it('links to no email when the send was refused', async () => {
    renderDetail([detail()]);
    const details = await screen.findByLabelText('Request details');
    expect(within(details).queryByText('Email')).toBeNull();
    expect(within(details).queryAllByRole('link', { name: /^\/emails\// })).toHaveLength(0);
  });

  it('says when a body is empty', async () => {
    renderDetail([detail({ requestBody: null, method: 'GET', endpoint: '/emails/abc', statusCode: 200 })]);
    const request = await screen.findByRole('region', { name: 'Request body' });
    expect(within(request).getByText('No body')).toBeTruthy();
  });

  it('answers a missing log with a not-found state', async () => {
    renderDetail([{ request: { query: LogDetailQuery, variables: { id: 'l1' } }, result: { data: { usageLog: null } } }]);
    expect(await screen.findByRole('heading', { name: 'Request not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Logs' }).getAttribute('href')).toBe('/logs');
  });
});
