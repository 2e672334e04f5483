import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SearchField } from './SearchField';

describe('SearchField', () => {
  it('searches once typing pauses, without Enter, and once for the whole word', async () => {
    const onSearch = vi.fn();
    render(<SearchField label="Search" value={undefined} onSearch={onSearch} />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search' }), 'ada');
    await waitFor(() => expect(onSearch).toHaveBeenCalledWith('ada'));
    expect(onSearch).toHaveBeenCalledTimes(1);
  });

  it('searches at once on Enter, and clears at once when emptied', async () => {
    const onSearch = vi.fn();
    const { rerender } = render(<SearchField label="Search" value={undefined} onSearch={onSearch} />);
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search' }), 'bob{Enter}');
    expect(onSearch).toHaveBeenCalledWith('bob');
    rerender(<SearchField label="Search" value="bob" onSearch={onSearch} />);
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Search' }));
    expect(onSearch).toHaveBeenLastCalledWith(undefined);
    await new Promise((r) => setTimeout(r, 400));
    expect(onSearch).toHaveBeenCalledTimes(2);
  });
});
