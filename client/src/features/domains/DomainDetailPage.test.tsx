import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { createCache } from '../../app/apollo';
import { adminUser, gqlError, memberUser, renderWithProviders } from '../../test/render';
import { DomainDetailPage } from './DomainDetailPage';
import { DomainDetailQuery, SendingPolicyQuery } from './documents';
import { VerifyDomainMutation } from './hooks/useVerifyDomainMutation';
import { sentence } from '../../test/text';

const DKIM = 'v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest';

const records = (status: string) =>
  [
    { record: 'SPF', name: 'send', fqdn: 'send.mail.example.com', type: 'MX', value: 'smtp.relay.example', priority: 10 },
    { record: 'SPF', name: 'send', fqdn: 'send.mail.example.com', type: 'TXT', value: 'v=spf1 a:smtp.relay.example ~all', priority: null },
    { record: 'DKIM', name: 'keyring._domainkey', fqdn: 'keyring._domainkey.mail.example.com', type: 'TXT', value: DKIM, priority: null },
  ].map((r) => ({ __typename: 'DomainRecord', ...r, status }));

const domain = (status: string, recordStatus: string, checkedAt: string | null = null) => ({
  __typename: 'Domain',
  id: 'd1',
  name: 'mail.example.com',
  region: 'us-east-1',
  status,
  createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  checkedAt,
  records: records(recordStatus),
});

const detailMock = (d: ReturnType<typeof domain> | null) => ({
  request: { query: DomainDetailQuery, variables: { id: 'd1' } },
  result: { data: { domain: d } },
});
const policyMock = (requireVerifiedDomains: boolean) => ({
  request: { query: SendingPolicyQuery },
  result: { data: { sendingPolicy: { __typename: 'SendingPolicy', requireVerifiedDomains } } },
});

const renderDetail = (mocks: unknown[], user = adminUser) =>
  renderWithProviders(
    <Routes>
      <Route path="/domains/:id" element={<DomainDetailPage />} />
    </Routes>,
    { route: '/domains/d1', user, mocks: mocks as never[] },
  );

describe('DomainDetailPage', () => {
  it('lists the records to publish, each name and value with a Copy button', async () => {
    const { user } = renderDetail([detailMock(domain('not_started', 'not_started')), policyMock(true)]);
    const table = await screen.findByRole('table', { name: 'DNS records' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect((within(rows[3]).getByLabelText('DKIM TXT value') as HTMLInputElement).value).toBe(DKIM);
    expect((within(rows[1]).getByLabelText('SPF MX name') as HTMLInputElement).value).toBe('send.mail.example.com');
    expect(rows[1].textContent).toContain('10');
    expect(within(rows[1]).getByText('Not checked')).toBeTruthy();
    await user.click(within(rows[3]).getByRole('button', { name: 'Copy dkim txt value' }));
    expect(await screen.findByText('Copied to clipboard')).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(DKIM);
    expect((await screen.findByRole('note')).textContent).toContain('sends only from verified domains');
  });

  it('says the domain is gone when Verify finds it removed meanwhile, instead of keeping its records on screen', async () => {
    const { user } = renderDetail([
      detailMock(domain('not_started', 'not_started')),
      policyMock(false),
      { request: { query: VerifyDomainMutation, variables: { id: 'd1' } }, result: { errors: [gqlError('Domain not found.', 'NOT_FOUND')] } },
      detailMock(null),
    ]);
    await screen.findByRole('table', { name: 'DNS records' });
    await user.click(screen.getByRole('button', { name: 'Verify DNS records' }));
    expect(await screen.findByText('Domain not found')).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'DNS records' })).toBeNull();
  });

  it('verifies on request and shows what each record was found to be', async () => {
    const checked = new Date().toISOString();
    const { user } = renderDetail([
      detailMock(domain('not_started', 'not_started')),
      policyMock(false),
      {
        request: { query: VerifyDomainMutation, variables: { id: 'd1' } },
        result: {
          data: { verifyDomain: { ...domain('failed', 'verified', checked), records: [...records('verified').slice(0, 2), { ...records('failed')[2] }] } },
        },
      },
    ]);
    await screen.findByRole('table', { name: 'DNS records' });
    expect((await screen.findByRole('note')).textContent).toContain('also sends from unverified domains');
    await user.click(screen.getByRole('button', { name: 'Verify DNS records' }));
    expect(await screen.findByText(sentence(/mail.example.com is failed: a record has another value/))).toBeTruthy();
    const rows = within(screen.getByRole('table', { name: 'DNS records' })).getAllByRole('row');
    expect(within(rows[1]).getByText('Verified')).toBeTruthy();
    expect(within(rows[3]).getByText('Wrong value')).toBeTruthy();
    expect(screen.getByText('checked', { exact: false }).textContent).toContain('just now');
  });

  it('offers no Verify button to members, and says when the domain is missing', async () => {
    renderDetail([detailMock(domain('pending', 'pending')), policyMock(true)], memberUser);
    await screen.findByRole('table', { name: 'DNS records' });
    expect(screen.queryByRole('button', { name: 'Verify DNS records' })).toBeNull();
  });

  it('says when the domain does not exist', async () => {
    renderDetail([detailMock(null), policyMock(true)]);
    expect(await screen.findByText('Domain not found')).toBeTruthy();
  });

  it('shows the domain it had, then asks the server again, on a new visit and when its tab is shown again', async () => {
    const cache = createCache();
    cache.writeQuery({ query: DomainDetailQuery, variables: { id: 'd1' }, data: { domain: domain('not_started', 'not_started') } as never });
    renderWithProviders(
      <Routes>
        <Route path="/domains/:id" element={<DomainDetailPage />} />
      </Routes>,
      {
        route: '/domains/d1',
        user: adminUser,
        cache,
        mocks: [
          detailMock(domain('pending', 'pending', new Date().toISOString())),
          policyMock(true),
          detailMock(domain('verified', 'verified', new Date().toISOString())),
        ] as never[],
      },
    );
    const table = await screen.findByRole('table', { name: 'DNS records' });
    expect(await within(table).findAllByText('Not found')).toHaveLength(3);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      expect(await within(table).findAllByText('Verified')).toHaveLength(3);
    } finally {
      visibility.mockRestore();
    }
  });
});
