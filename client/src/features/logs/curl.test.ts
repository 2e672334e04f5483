import { describe, expect, it } from 'vitest';
import { curlOf } from './LogDetailPage';

describe('Copy as curl', () => {
  it('replays the logged request with $RESEND_API_KEY, quoting the body for the shell', () => {
    const curl = curlOf({ method: 'POST', endpoint: '/emails', requestBody: { subject: "It's here", to: ['a@example.com'] } }, 'https://keyring.example');
    expect(curl).toBe(
      [
        "curl -X POST 'https://keyring.example/api/emails'",
        `-H 'Authorization: Bearer '"$RESEND_API_KEY"`,
        "-H 'Content-Type: application/json'",
        `-d '{"subject":"It'\\''s here","to":["a@example.com"]}'`,
      ].join(' \\\n  '),
    );
  });

  it('sends no body for a request without one', () => {
    expect(curlOf({ method: 'GET', endpoint: '/domains', requestBody: null }, 'http://127.0.0.1:3000')).toBe(
      `curl -X GET 'http://127.0.0.1:3000/api/domains' \\\n  -H 'Authorization: Bearer '"$RESEND_API_KEY"`,
    );
  });
});
