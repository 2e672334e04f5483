import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LoadMore } from './LoadMore';

describe('LoadMore', () => {
  it('counts the rows in words: one contact, 2 contacts, the latest 50 while more follow', () => {
    const { rerender } = render(<LoadMore shown={1} noun="contacts" hasMore={false} loading={false} onLoadMore={() => undefined} />);
    expect(screen.getByText('1 contact')).toBeTruthy();
    rerender(<LoadMore shown={2} noun="contacts" hasMore={false} loading={false} onLoadMore={() => undefined} />);
    expect(screen.getByText('2 contacts')).toBeTruthy();
    rerender(<LoadMore shown={50} noun="requests" hasMore loading={false} onLoadMore={() => undefined} />);
    expect(screen.getByText('Showing the latest 50 requests')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Load more' })).toBeTruthy();
  });
});
