import { screen, waitFor } from '@testing-library/react';
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

  it('moves focus to the alert, then, with the fields left blank, drops it and focuses the first blank field', async () => {
    const { user } = renderWithProviders(<SignInPage />, {
      mocks: [
        {
          request: { query: SignInMutation, variables: { input } },
          result: { errors: [gqlError('Invalid email or password.', 'UNAUTHENTICATED')] },
        },
      ],
    });
    await user.type(screen.getByLabelText('Email'), input.email);
    await user.type(screen.getByLabelText('Password'), `${input.password}{Enter}`);
    const alert = await screen.findByRole('alert');
    // Announced: focus leaves the password field, where Enter was pressed, for the alert.
    await waitFor(() => expect(document.activeElement).toBe(alert));

    await user.clear(screen.getByLabelText('Email'));
    await user.clear(screen.getByLabelText('Password'));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Email is required.')).toBeTruthy();
    // The last answer's alert is about a submit that is over.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText('Invalid email or password.')).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
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
