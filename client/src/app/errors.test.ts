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

  it('says what the server said when it refuses before GraphQL runs (too many requests), not that it could not handle the request', () => {
    const message = 'Too many requests. You can only make 600 requests per minute. Retry after 10 seconds.';
    const bodyText = JSON.stringify({ errors: [{ message, extensions: { code: 'RATE_LIMITED' } }] });
    const limited = new ServerError('Response not successful: Received status code 429', { response: new Response(bodyText, { status: 429 }), bodyText });
    expect(splitErrors(limited, []).messages).toEqual([{ code: 'RATE_LIMITED', message }]);
    // A body that is not GraphQL's keeps the plain wording.
    const html = new ServerError('boom', { response: new Response('<h1>Bad gateway</h1>', { status: 502 }), bodyText: '<h1>Bad gateway</h1>' });
    expect(splitErrors(html, []).messages[0].message).toBe('The server could not handle the request. Try again.');
  });

  it('words transport failures for people', () => {
    const server = new ServerError('boom', { response: new Response('', { status: 502 }), bodyText: '' });
    expect(splitErrors(server, []).messages[0].message).toBe('The server could not handle the request. Try again.');
    expect(splitErrors(new TypeError('Failed to fetch'), []).messages[0].message).toBe('Could not reach the server. Check your connection.');
  });
});
