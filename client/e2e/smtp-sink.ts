import net from 'node:net';

export type SunkMail = { to: string[]; text: string };

export type SmtpSink = {
  /** smtp:// URL for SMTP_URL */
  url: string;
  mailbox: SunkMail[];
  /** The first mail to `to`, waiting for it to arrive. */
  waitFor(to: string, ms?: number): Promise<SunkMail>;
  close(): Promise<void>;
};

/** The body of a message as nodemailer sends one text part: 7bit or quoted-printable. */
function bodyOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  if (!/^content-transfer-encoding:\s*quoted-printable/im.test(head)) return body;
  return Buffer.from(
    body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

/**
 * A real SMTP relay on loopback that keeps what it is sent (plain SMTP: no STARTTLS, no AUTH), for
 * a server started with SMTP_URL pointing at it. The shared e2e server keeps mail in its outbox,
 * where the links that are secrets (invitations, password resets) are stored redacted.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mailbox: SunkMail[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let to: string[] = [];
    let data: string[] | null = null;
    socket.setEncoding('utf8');
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === '.') {
            mailbox.push({ to, text: bodyOf(data.join('\r\n')).replace(/\r\n/g, '\n') });
            data = null;
            to = [];
            socket.write('250 kept\r\n');
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'RCPT') to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
        if (verb === 'DATA') {
          data = [];
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mailbox,
    async waitFor(address, ms = 15_000) {
      const until = Date.now() + ms;
      for (;;) {
        const mail = mailbox.find((m) => m.to.includes(address));
        if (mail) return mail;
        if (Date.now() > until) throw new Error(`no mail to ${address} arrived`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
