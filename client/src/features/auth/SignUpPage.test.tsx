import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gqlError, renderWithProviders } from '../../test/render';
import { SignUpMutation } from './hooks/useSignUpMutation';
import { SignUpAllowedQuery, SignUpPage } from './SignUpPage';

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
    // Focus moves from the button to the field, whose error a screen reader then reads.
    await waitFor(() => expect(document.activeElement).toBe(email));
    expect(description(email)).toContain(message);
    expect(screen.getByLabelText('Team name').getAttribute('aria-invalid')).toBeNull();
  });

  it('says sign-up is closed, with no form, when the server takes no new sign-ups', async () => {
    renderWithProviders(<SignUpPage />, {
      mocks: [{ request: { query: SignUpAllowedQuery }, result: { data: { signUpAllowed: false } } }],
    });
    await screen.findByRole('heading', { name: 'Sign-up is closed' });
    expect(screen.getByText(/Ask an admin of your team for an invitation/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create account' })).toBeNull();
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/sign-in');
  });

  it('shows the form when sign-up is open', async () => {
    renderWithProviders(<SignUpPage />, {
      mocks: [{ request: { query: SignUpAllowedQuery }, result: { data: { signUpAllowed: true } } }],
    });
    expect(await screen.findByRole('button', { name: 'Create account' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Sign-up is closed' })).toBeNull();
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

  it('counts characters as the server does: five emoji (ten UTF-16 units) are a short password', async () => {
    const { user } = renderWithProviders(<SignUpPage />);
    await user.type(screen.getByLabelText('Email'), input.email);
    await user.type(screen.getByLabelText('Password'), '😀'.repeat(5));
    await user.type(screen.getByLabelText('Team name'), input.teamName);
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const password = screen.getByLabelText('Password');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(description(password)).toContain('Password must be at least 10 characters.');
  });
});
