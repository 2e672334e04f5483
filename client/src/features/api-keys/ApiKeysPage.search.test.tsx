import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { adminUser, renderWithProviders } from '../../test/render';
import { ApiKeysPage } from './ApiKeysPage';
import { ApiKeysTable } from './components/ApiKeysTable';
import { apiKey, pageMock } from './test-fixtures';

// The table, counted: how often the page renders every key's row again.
vi.mock('./components/ApiKeysTable', async (importOriginal) => {
  const original = await importOriginal<typeof import('./components/ApiKeysTable')>();
  return { ...original, ApiKeysTable: vi.fn(original.ApiKeysTable) };
});

const keys = Array.from({ length: 20 }, (_, i) => apiKey(`k${i}`, `Key ${i}`));

describe('ApiKeysPage search box', () => {
  it('renders no key row again while a search is typed, only once the list it finds comes', async () => {
    const { user } = renderWithProviders(<ApiKeysPage />, {
      user: adminUser,
      mocks: [pageMock(keys), pageMock([keys[7]], { search: 'Key 7' }, keys)],
    });
    await screen.findByRole('table', { name: 'API keys' });
    // Let the recent-usage answer land first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search API keys' });
    const rendered = vi.mocked(ApiKeysTable).mock.calls.length;
    // With the 500 keys a team may hold, every keystroke rendering each row made typing lag by a
    // second or more a character.
    await user.type(box, 'Key 7');
    expect(box.value).toBe('Key 7');
    expect(vi.mocked(ApiKeysTable).mock.calls.length).toBe(rendered);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Key 3' })).toBeNull(), { timeout: 5000 });
    expect(screen.getByRole('link', { name: 'Key 7' })).toBeTruthy();
  });
});
