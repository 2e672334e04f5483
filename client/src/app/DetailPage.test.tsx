import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../test/render';
import { DetailPage } from './DetailPage';

const page = (query: { data?: unknown; loading: boolean; error?: Error }, item: { name: string } | null | undefined) => (
  <DetailPage query={{ ...query, refetch: () => undefined }} item={item} back={{ to: '/domains', label: 'Domains' }} noun="Domain">
    {(d) => <h1>{d.name}</h1>}
  </DetailPage>
);

const levelOne = () => screen.getAllByRole('heading', { level: 1 }).map((h) => h.textContent);

describe('DetailPage', () => {
  it('has one level-one heading in every state: loading, failed, not found, found', () => {
    const states = [
      { query: { loading: true }, item: undefined, heading: 'Domain' },
      { query: { loading: false, error: new Error('Could not reach the server. Check your connection.') }, item: undefined, heading: 'Domain' },
      { query: { loading: false, data: { domain: null } }, item: null, heading: 'Domain not found' },
      { query: { loading: false, data: { domain: {} } }, item: { name: 'mail.example.com' }, heading: 'mail.example.com' },
    ];
    for (const { query, item, heading } of states) {
      const { unmount } = renderWithProviders(page(query, item));
      expect(levelOne()).toEqual([heading]);
      expect(screen.getByRole('link', { name: '← Domains' }).getAttribute('href')).toBe('/domains');
      if (item === null) expect(screen.getByText('It may belong to another team, or the link is mistyped.')).toBeTruthy();
      unmount();
    }
  });
});
