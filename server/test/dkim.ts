import { createHash, createPublicKey, createVerify } from 'node:crypto';

/** A minimal DKIM verifier (RFC 6376, relaxed/relaxed, rsa-sha256), as a receiver checks a message: the tests' own check. */
export function verifyDkim(raw: string, publicKeyBase64: string): boolean {
  const split = raw.search(/\r?\n\r?\n/);
  const headerText = raw.slice(0, split);
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = headerText.split(/\r?\n(?![ \t])/);
  const sigHeader = headers.find((h) => /^dkim-signature:/i.test(h))!;
  const relaxed = (h: string) => {
    const i = h.indexOf(':');
    return `${h.slice(0, i).trim().toLowerCase()}:${h
      .slice(i + 1)
      .replace(/\r?\n/g, '')
      .replace(/[ \t]+/g, ' ')
      .trim()}`;
  };
  const tags = Object.fromEntries(
    relaxed(sigHeader)
      .slice('dkim-signature:'.length)
      .split(';')
      .map((t) =>
        t
          .trim()
          .split(/=(.*)/s)
          .slice(0, 2)
          .map((s) => s.trim()),
      ),
  );
  const bodyCanon = `${body
    .replace(/\r?\n/g, '\r\n')
    .split('\r\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\r\n')
    .replace(/(\r\n)*$/, '')}\r\n`;
  if (createHash('sha256').update(bodyCanon).digest('base64') !== tags.bh.replace(/\s+/g, '')) return false;
  const signed = tags.h.split(':').map((name: string) => headers.find((h) => h.toLowerCase().startsWith(`${name.trim().toLowerCase()}:`)));
  const data = `${signed
    .filter(Boolean)
    .map((h: string | undefined) => `${relaxed(h!)}\r\n`)
    .join('')}${relaxed(sigHeader).replace(/b=[^;]*$/, 'b=')}`;
  const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  return createVerify('RSA-SHA256')
    .update(data)
    .verify(key, Buffer.from(tags.b.replace(/\s+/g, ''), 'base64'));
}
