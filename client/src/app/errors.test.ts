import { CombinedGraphQLErrors, ServerError } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { splitErrors } from './errors';

const graphQLErrors = (...errors: { message: string; extensions?: Record<string, unknown> }[]) => new CombinedGraphQLErrors({ data: null, errors });

describe('splitErrors', () => {
  it('puts an error beside the field it names, and keeps the rest for a toast', () => {
    const error = graphQLErrors(
      { message: 'Enter a valid email address.', extensions: { code: 'BAD_USER_INPUT', field: 'email' } },
      { message: 'Only admins can do this.', extensions: { code: 'FORBIDDEN' } },
    );
    expect(splitErrors(error, ['email', 'password'])).toEqual({
      fieldErrors: { email: 'Enter a valid email address.' },
      messages: [{ code: 'FORBIDDEN', message: 'Only admins can do this.' }],
    });
  });

  it('treats a field the form does not show as a general error', () => {
    const error = graphQLErrors({ message: 'A team needs at least one admin.', extensions: { code: 'BAD_USER_INPUT', field: 'id' } });
    const { fieldErrors, messages } = splitErrors(error, ['email']);
    expect(fieldErrors).toEqual({});
    expect(messages).toEqual([{ code: 'BAD_USER_INPUT', message: 'A team needs at least one admin.' }]);
  });

  it('words transport failures for people', () => {
    const server = new ServerError('boom', { response: new Response('', { status: 502 }), bodyText: '' });
    expect(splitErrors(server, []).messages[0].message).toBe('The server could not handle the request. Try again.');
    expect(splitErrors(new TypeError('Failed to fetch'), []).messages[0].message).toBe('Could not reach the server. Check your connection.');
  });
});
