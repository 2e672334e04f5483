import { screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { adminUser, renderWithProviders } from '../test/render';
import { AppShell } from './AppShell';
import { MailRelayQuery } from './mail-relay';

const relay = { request: { query: MailRelayQuery }, result: { data: { sendingPolicy: { __typename: 'SendingPolicy', mailRelay: true } } } };

/** A row whose own button removes it, as a session's "Sign out" or a revoked invitation's row does. */
function Rows() {
  const [rows, setRows] = useState(['Safari 18 on iOS', 'Firefox 140 on Linux']);
  return (
    <>
      <h1>Account</h1>
      <ul>
        {rows.map((r) => (
          <li key={r}>
            {r}{' '}
            <button type="button" onClick={() => setRows((all) => all.filter((x) => x !== r))}>
              Sign out {r}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

describe('AppShell focus', () => {
  it('moves focus to the page heading, not the body, when the focused control is removed with its row', async () => {
    const { user } = renderWithProviders(
      <AppShell>
        <Rows />
      </AppShell>,
      { user: adminUser, mocks: [relay] },
    );
    const button = screen.getByRole('button', { name: 'Sign out Safari 18 on iOS' });
    button.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Sign out Safari 18 on iOS' })).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Account', level: 1 })));
  });
});
