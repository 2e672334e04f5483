import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog';
import { bidi, isolate, UserText } from './UserText';

describe('UserText', () => {
  it('puts user text in a <bdi> without changing the text around it', () => {
    const { container } = render(
      <p>
        Delete <UserText>שלום!</UserText>?
      </p>,
    );
    expect(container.querySelector('bdi')?.textContent).toBe('שלום!');
    expect(container.textContent).toBe('Delete שלום!?');
  });

  it('bidi`` isolates each interpolation of a sentence and only those', () => {
    const { container } = render(<p>{bidi`${'שלום!'} is now ${'admin'}`}</p>);
    expect([...container.querySelectorAll('bdi')].map((b) => b.textContent)).toEqual(['שלום!', 'admin']);
    expect(container.textContent).toBe('שלום! is now admin');
  });

  it('isolate() wraps a plain string in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE', () => {
    expect(isolate('שלום!')).toBe('\u2068שלום!\u2069');
  });

  it('keeps a confirm dialog named by its title, the <bdi> adding nothing to the name', () => {
    render(
      <ConfirmDialog
        open
        onOpenChange={() => undefined}
        title={
          <>
            Delete <UserText>שלום!</UserText>?
          </>
        }
        description="This cannot be undone."
        confirmLabel="Delete"
        onConfirm={() => undefined}
      />,
    );
    const dialog = screen.getByRole('dialog', { name: 'Delete שלום!?' });
    expect(dialog.querySelector('bdi')?.textContent).toBe('שלום!');
  });
});
