import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CopyField } from './CopyField';
import { Toaster } from './Toaster';

describe('CopyField', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    Reflect.deleteProperty(navigator, 'clipboard');
    Reflect.deleteProperty(document, 'execCommand');
  });

  it('copies on a page without the Clipboard API, as a server opened over plain HTTP at a LAN address is', async () => {
    const user = userEvent.setup();
    // What Chromium gives http://10.0.0.5:4000: not a secure context, so no navigator.clipboard.
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    vi.stubGlobal('isSecureContext', false);
    let copied: string | undefined;
    const execCommand = vi.fn((command: string) => {
      const field = document.activeElement;
      if (command === 'copy' && field instanceof HTMLTextAreaElement) copied = field.value.slice(field.selectionStart, field.selectionEnd);
      return copied !== undefined;
    });
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });

    render(
      <>
        <CopyField label="Token" value="re_123456789" />
        <Toaster />
      </>,
    );
    const button = screen.getByRole('button', { name: 'Copy token' });
    await user.click(button);
    // It said "Could not copy. Select the text and copy it yourself." on every such page.
    expect(await screen.findByText('Copied to clipboard')).toBeTruthy();
    expect(copied).toBe('re_123456789');
    // Focus is where it was, and nothing is left behind.
    expect(document.activeElement).toBe(button);
    expect(document.querySelector('textarea')).toBeNull();
  });
});
