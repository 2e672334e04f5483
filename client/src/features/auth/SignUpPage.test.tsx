import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gqlError, renderWithProviders } from '../../test/render';
import { SignUpMutation } from './hooks/useSignUpMutation';
import { SignUpPage } from './SignUpPage';

/** The text of whatever describes an input (its hint and its error). */
const description = (input: HTMLElement) =>
  (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent)
    .join(' ');

const input = { email: 'ada@example.com', password: 'correct horse battery', teamName: 'Engines' };

describe('SignUpPage', () => {
  it('shows a server field error beside that field', async () => {
    const message = 'An account with this email already exists. Sign in instead.';
    const { user } = renderWithProviders(<SignUpPage />, {
      mocks: [
        {
          request: { query: SignUpMutation, variables: { input } },
          result: { errors: [gqlError(message, 'BAD_USER_INPUT', 'email')] },
        },
      ],
    });
    await user.type(screen.getByLabelText('Email'), input.email);
    await user.type(screen.getByLabelText('Password'), input.password);
    await user.type(screen.getByLabelText('Team name'), input.teamName);
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    await screen.findByText(message);
    const email = screen.getByLabelText('Email');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(description(email)).toContain(message);
    expect(screen.getByLabelText('Team name').getAttribute('aria-invalid')).toBeNull();
  });

  it('rejects a short password before asking the server', async () => {
    const { user } = renderWithProviders(<SignUpPage />);
    await user.type(screen.getByLabelText('Email'), input.email);
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.type(screen.getByLabelText('Team name'), input.teamName);
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const password = screen.getByLabelText('Password');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(description(password)).toContain('Password must be at least 10 characters.');
  });
});
