import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { gqlError, renderWithProviders } from '../../test/render';
import { ForgotPasswordPage } from './ForgotPasswordPage';
import { RequestPasswordResetMutation } from './hooks/useRequestPasswordResetMutation';
import { SignInPage } from './SignInPage';

const email = 'ada@example.com';

describe('ForgotPasswordPage', () => {
  it('asks for a link and says one was sent if the account exists, whatever the answer hides', async () => {
    const { user } = renderWithProviders(<ForgotPasswordPage />, {
      mocks: [{ request: { query: RequestPasswordResetMutation, variables: { input: { email } } }, result: { data: { requestPasswordReset: true } } }],
    });
    await user.type(screen.getByLabelText('Email'), ` ${email} `);
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(await screen.findByRole('heading', { name: 'Check your email' })).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe(
      `If an account exists for ${email}, we sent a link to reset its password. The link works once and expires in 1 hour.`,
    );
  });

  it('requires an email, and shows a refusal (too many requests) in the form', async () => {
    const { user } = renderWithProviders(<ForgotPasswordPage />, {
      mocks: [
        {
          request: { query: RequestPasswordResetMutation, variables: { input: { email } } },
          result: { errors: [gqlError('Too many password reset requests for this email address. Try again later.', 'RATE_LIMITED')] },
        },
      ],
    });
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(screen.getByText('Email is required.')).toBeTruthy();
    await user.type(screen.getByLabelText('Email'), email);
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Too many password reset requests for this email address. Try again later.');
    expect(screen.queryByRole('heading', { name: 'Check your email' })).toBeNull();
  });

  it("is reached from sign-in's 'Forgot password?' with the address typed there", async () => {
    const { user } = renderWithProviders(
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      </Routes>,
      { route: '/sign-in' },
    );
    await user.type(screen.getByLabelText('Email'), ` ${email}`);
    await user.click(screen.getByRole('link', { name: 'Forgot password?' }));
    expect(await screen.findByRole('heading', { name: 'Reset your password' })).toBeTruthy();
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe(email);
  });
});
