import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { Button } from './Button';

function Saving({ onClick }: { onClick: () => void }) {
  const [loading, setLoading] = useState(false);
  return (
    <Button
      loading={loading}
      onClick={() => {
        onClick();
        setLoading(true);
      }}
    >
      Save
    </Button>
  );
}

describe('Button while loading', () => {
  it('keeps keyboard focus, says it is busy, and takes no second click', async () => {
    const onClick = vi.fn();
    render(<Saving onClick={onClick} />);
    const button = screen.getByRole('button', { name: 'Save' });
    button.focus();
    await userEvent.keyboard('{Enter}');
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(button).toHaveProperty('disabled', false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(document.activeElement).toBe(button);
    await userEvent.keyboard('{Enter}');
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('does not submit its form again', () => {
    const onSubmit = vi.fn((e: { preventDefault(): void }) => e.preventDefault());
    render(
      <form onSubmit={onSubmit}>
        <input aria-label="Name" />
        <Button type="submit" loading>
          Create
        </Button>
      </form>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('a disabled button is natively disabled, loading or not', () => {
    render(
      <Button disabled loading>
        Nope
      </Button>,
    );
    expect(screen.getByRole('button', { name: 'Nope' })).toHaveProperty('disabled', true);
  });
});
