import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gqlError, renderWithProviders } from '../../test/render';
import { SignInMutation } from './hooks/useSignInMutation';
import { SignInPage } from './SignInPage';

const input = { email: 'ada@example.com', password: 'wrong password' };

describe('SignInPage', () => {
  it('shows the server error in the form', async () => {
    const { user } = renderWithProviders(<SignInPage />, {
      mocks: [
        {
          request: { query: SignInMutation, variables: { input } },
          result: { errors: [gqlError('Invalid email or password.', 'UNAUTHENTICATED')] },
        },
      ],
    });
    await user.type(screen.getByLabelText('Email'), input.email);
    await user.type(screen.getByLabelText('Password'), input.password);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Invalid email or password.');
    expect(screen.getByRole('form', { name: 'Sign in' }).contains(alert)).toBe(true);
  });

  it('asks for missing fields without calling the server', async () => {
    const { user } = renderWithProviders(<SignInPage />);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Password is required.')).toBeTruthy();
  });

  it('links to sign-up', () => {
    renderWithProviders(<SignInPage />);
    expect(screen.getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/sign-up');
  });
});
