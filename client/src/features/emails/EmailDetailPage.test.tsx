import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCache } from '../../app/apollo';
import { adminUser, gqlError, renderWithProviders } from '../../test/render';
import { EmailDetailQuery } from './documents';
import { EmailDetailPage } from './EmailDetailPage';

const createdAt = '2026-03-02T09:15:00.000Z';
const sentAt = '2026-03-02T09:15:02.000Z';

const anEmail = (overrides: Record<string, unknown> = {}) => ({
  __typename: 'Email',
  id: 'm1',
  from: 'Acme <hi@mail.example.com>',
  to: ['ada@example.com', 'bob@example.com'],
  cc: ['carol@example.com'],
  bcc: [],
  replyTo: ['support@example.com'],
  subject: 'Your order shipped',
  status: 'sent',
  error: null,
  createdAt,
  sentAt,
  scheduledAt: null,
  messageId: '<e1@mail.example.com>',
  html: '<p>It is <b>on its way</b>.</p>',
  text: 'It is on its way.\nThanks!',
  apiKeyId: 'k1',
  apiKey: { __typename: 'ApiKey', id: 'k1', name: 'Production' },
  ...overrides,
});

const detailMock = (email: ReturnType<typeof anEmail> | null) => ({
  request: { query: EmailDetailQuery, variables: { id: 'm1' } },
  result: { data: { email } },
});

const renderDetail = (mocks: unknown[]) =>
  renderWithProviders(
    <Routes>
      <Route path="/emails/:id" element={<EmailDetailPage />} />
    </Routes>,
    { route: '/emails/m1', user: adminUser, mocks: mocks as never[] },
  );

/** The details as term → definition text, and each definition's `<time>`. */
async function details() {
  const list = await screen.findByLabelText('Email details');
  const terms = within(list)
    .getAllByRole('term')
    .map((t) => t.textContent ?? '');
  const definitions = within(list).getAllByRole('definition');
  const time = (term: string) => definitions[terms.indexOf(term)]?.querySelector('time')?.getAttribute('dateTime');
  return { list, time, rows: Object.fromEntries(terms.map((t, i) => [t, definitions[i].textContent])) };
}

afterEach(() => {
  delete (window as { pwned?: unknown }).pwned;
});

describe('EmailDetailPage', () => {
  it('shows the subject, status, addresses, times and the key that sent it', async () => {
    renderDetail([detailMock(anEmail())]);
    expect(await screen.findByRole('heading', { name: 'Your order shipped', level: 1 })).toBeTruthy();
    expect(screen.getByText('Sent', { selector: '.badge' }).className).toContain('badge-green');
    expect(screen.getByRole('link', { name: '← Emails' }).getAttribute('href')).toBe('/emails');

    const { list, rows, time } = await details();
    // No Bcc: empty address lists are left out.
    expect(Object.keys(rows)).toEqual(['From', 'To', 'Cc', 'Reply-To', 'Created', 'Sent', 'API key', 'Email ID', 'Message-ID']);
    expect(rows['Message-ID']).toBe('<e1@mail.example.com>');
    expect(rows.From).toBe('Acme <hi@mail.example.com>');
    expect(rows.To).toBe('ada@example.com, bob@example.com');
    expect(rows.Cc).toBe('carol@example.com');
    expect(rows['Reply-To']).toBe('support@example.com');
    expect(rows['Email ID']).toBe('m1');
    expect(time('Created')).toBe(createdAt);
    expect(time('Sent')).toBe(sentAt);
    expect(within(list).getByRole('link', { name: 'Production' }).getAttribute('href')).toBe('/api-keys/k1');
  });

  it('shows when a scheduled email is due', async () => {
    const scheduledAt = '2026-12-24T09:00:00.000Z';
    renderDetail([detailMock(anEmail({ status: 'scheduled', sentAt: null, scheduledAt }))]);
    const { rows, time } = await details();
    expect(Object.keys(rows)).toContain('Scheduled for');
    expect(time('Scheduled for')).toBe(scheduledAt);
    expect(screen.getByText('Scheduled', { selector: '.badge' })).toBeTruthy();
  });

  it('shows Bcc when there is one, says a deleted key is deleted, and leaves out a key when none sent it', async () => {
    const { unmount } = renderDetail([detailMock(anEmail({ bcc: ['audit@example.com'], apiKey: null }))]);
    let { list, rows } = await details();
    expect(rows.Bcc).toBe('audit@example.com');
    expect(rows['API key']).toBe('Deleted key');
    expect(within(list).getByText('Deleted key').className).toContain('muted');
    expect(within(list).queryByRole('link')).toBeNull();
    unmount();

    renderDetail([detailMock(anEmail({ apiKeyId: null, apiKey: null }))]);
    ({ rows } = await details());
    expect(rows['API key']).toBeUndefined();
  });

  it('shows the error of a failed email instead of when it was sent', async () => {
    renderDetail([detailMock(anEmail({ status: 'failed', sentAt: null, error: 'Mailbox unavailable' }))]);
    const { rows } = await details();
    expect(screen.getByText('Failed', { selector: '.badge' }).className).toContain('badge-red');
    expect(rows.Error).toBe('Mailbox unavailable');
    expect(rows.Sent).toBeUndefined();
  });

  it('shows why a queued email that the relay refused is waiting for another attempt', async () => {
    renderDetail([detailMock(anEmail({ status: 'queued', sentAt: null, error: '421 Service not available' }))]);
    const { rows } = await details();
    expect(rows.Retrying).toBe('Last attempt refused: 421 Service not available');
    expect(rows.Sent).toBeUndefined();
  });

  it('says a queued email is not sent yet', async () => {
    renderDetail([detailMock(anEmail({ status: 'queued', sentAt: null }))]);
    const { rows } = await details();
    expect(rows.Sent).toBe('Not yet');
  });

  it('previews the HTML in a sandboxed iframe only, where its scripts cannot run', async () => {
    const html = '<p data-injected>Hello</p><script>window.pwned = true; document.title = "pwned";</script>' + '<img src="x" onerror="window.pwned = true">';
    renderDetail([detailMock(anEmail({ html }))]);
    const tabs = await screen.findByRole('tablist', { name: 'Email content' });
    expect(
      within(tabs)
        .getAllByRole('tab')
        .map((t) => t.textContent),
    ).toEqual(['HTML', 'Text', 'Source']);
    expect(screen.getByRole('tab', { name: 'HTML' }).getAttribute('aria-selected')).toBe('true');

    const frame = screen.getByTitle('HTML preview');
    expect(frame.tagName).toBe('IFRAME');
    // Empty: no allow-scripts, allow-same-origin, allow-forms, allow-popups or allow-top-navigation.
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toBe(html);
    expect(within(screen.getByRole('tabpanel')).getByTitle('HTML preview')).toBe(frame);

    // Nothing of the email reached the app's own document, and nothing ran in it.
    expect(document.querySelector('[data-injected]')).toBeNull();
    expect(document.querySelectorAll('script, img')).toHaveLength(0);
    expect(screen.queryByText('Hello')).toBeNull();
    expect((window as { pwned?: unknown }).pwned).toBeUndefined();
    expect(document.title).not.toBe('pwned');
  });

  it('shows the plain text, and the HTML source as text, from the tabs', async () => {
    const html = '<p>Hi <script>window.pwned = true</script></p>';
    const { user } = renderDetail([detailMock(anEmail({ html }))]);
    await user.click(await screen.findByRole('tab', { name: 'Text' }));
    expect(screen.getByRole('tab', { name: 'Text' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel').querySelector('pre')?.textContent).toBe('It is on its way.\nThanks!');
    expect(screen.queryByTitle('HTML preview')).toBeNull();

    await user.click(screen.getByRole('tab', { name: 'Source' }));
    const source = screen.getByRole('tabpanel').querySelector('pre');
    expect(source?.textContent).toBe(html);
    expect(source?.querySelector('p, script')).toBeNull();
    expect((window as { pwned?: unknown }).pwned).toBeUndefined();
  });

  it('moves between the tabs with the arrow keys', async () => {
    const { user } = renderDetail([detailMock(anEmail())]);
    const html = await screen.findByRole('tab', { name: 'HTML' });
    expect(screen.getByRole('tab', { name: 'Text' }).tabIndex).toBe(-1);
    html.focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Text' }));
    expect(screen.getByRole('tabpanel', { name: 'Text' }).textContent).toContain('Thanks!');
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(screen.getByRole('tab', { name: 'Source' }).getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{Home}');
    expect(screen.getByRole('tabpanel', { name: 'HTML' })).toBeTruthy();
  });

  it('offers only the bodies the email has', async () => {
    const { unmount } = renderDetail([detailMock(anEmail({ html: null }))]);
    expect((await screen.findAllByRole('tab')).map((t) => t.textContent)).toEqual(['Text']);
    expect(screen.queryByTitle('HTML preview')).toBeNull();
    unmount();

    renderDetail([detailMock(anEmail({ text: null }))]);
    expect((await screen.findAllByRole('tab')).map((t) => t.textContent)).toEqual(['HTML', 'Source']);
  });

  it('answers a missing email, or another team’s, with a not-found state', async () => {
    renderDetail([detailMock(null)]);
    expect(await screen.findByRole('heading', { name: 'Email not found' })).toBeTruthy();
    expect(screen.getByRole('link', { name: '← Emails' }).getAttribute('href')).toBe('/emails');
    expect(screen.queryByLabelText('Email details')).toBeNull();
  });

  it('shows a loading state, then an error with a retry', async () => {
    renderDetail([
      { request: { query: EmailDetailQuery, variables: { id: 'm1' } }, result: { errors: [gqlError('The server is down', 'INTERNAL_SERVER_ERROR')] } },
    ]);
    expect(screen.getByRole('status').textContent).toBe('Loading the email…');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The server is down');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('shows the email it had, then asks the server again, on a new visit (a scheduled email sent meanwhile)', async () => {
    // It read its cache only: once seen Scheduled, an email stayed Scheduled on every visit until a reload.
    const cache = createCache();
    const scheduled = anEmail({ status: 'scheduled', sentAt: null, messageId: null, scheduledAt: '2026-03-02T10:00:00.000Z' });
    cache.writeQuery({ query: EmailDetailQuery, variables: { id: 'm1' }, data: { email: scheduled } as never });
    renderWithProviders(
      <Routes>
        <Route path="/emails/:id" element={<EmailDetailPage />} />
      </Routes>,
      { route: '/emails/m1', user: adminUser, cache, mocks: [detailMock(anEmail({ scheduledAt: '2026-03-02T10:00:00.000Z' }))] },
    );
    expect(await screen.findByText('Scheduled')).toBeTruthy();
    // The message id comes with the answer of the server: the email was sent.
    expect(await screen.findByText('<e1@mail.example.com>')).toBeTruthy();
    expect(screen.queryByText('Scheduled')).toBeNull();
  });

  it('asks the server again when its tab is shown again: a scheduled email sent meanwhile reads sent, with no Cancel', async () => {
    const scheduled = anEmail({ status: 'scheduled', sentAt: null, messageId: null, scheduledAt: '2026-03-02T10:00:00.000Z' });
    renderWithProviders(
      <Routes>
        <Route path="/emails/:id" element={<EmailDetailPage />} />
      </Routes>,
      { route: '/emails/m1', user: adminUser, mocks: [detailMock(scheduled), detailMock(anEmail({ scheduledAt: '2026-03-02T10:00:00.000Z' }))] },
    );
    expect(await screen.findByText('Scheduled')).toBeTruthy();
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      visibility.mockReturnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      expect(await screen.findByText('<e1@mail.example.com>')).toBeTruthy();
      expect(screen.queryByText('Scheduled')).toBeNull();
      expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    } finally {
      visibility.mockRestore();
    }
  });
});
