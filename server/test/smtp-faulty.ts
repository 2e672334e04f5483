import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type RelayMode =
  /** accepts every message */
  | 'accept'
  /** answers 451 to MAIL FROM: "try again later" */
  | 'tempfail'
  /** answers 550 to RCPT TO: the mailbox does not exist */
  | 'reject'
  /** takes the message but never answers the end of DATA (a relay hung mid-message) */
  | 'hang'
  /** accepts the message, but calls `beforeAnswer` (which may kill the sender) before saying 250 */
  | 'accept-then';

/** raw: the message as the relay received it (headers and body, as sent on the wire). */
export type Delivered = { messageId: string; subject: string; to: string[]; raw: string };

export type FaultyRelay = {
  url: string;
  port: number;
  mode: RelayMode;
  /** Messages the relay accepted (answered 250 to), in order. */
  delivered: Delivered[];
  /** Sessions that reached MAIL FROM, accepted or not. */
  attempts: number;
  /** Run in 'accept-then' mode after a message is kept and before it is acknowledged. */
  beforeAnswer: () => void;
  /** Stops listening (connections are refused) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
};

const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw.slice(0, raw.search(/\r?\n\r?\n/)))?.[1].trim() ?? '';

/** A real SMTP relay on loopback whose answers the test switches: accept, refuse for now, refuse for good, hang, or be down. */
export async function startFaultyRelay(): Promise<FaultyRelay> {
  const relay = { mode: 'accept' as RelayMode, delivered: [] as Delivered[], attempts: 0, beforeAnswer: () => {} };
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // Closing waits this long for open sessions (a hung one included), then cuts them.
      closeTimeout: 500,
      onMailFrom(_address, _session, callback) {
        relay.attempts++;
        if (relay.mode === 'tempfail') return callback(Object.assign(new Error('Service busy, try again later'), { responseCode: 451 }));
        callback();
      },
      onRcptTo(_address, _session, callback) {
        if (relay.mode === 'reject') return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (relay.mode === 'hang') return; // never answers: the sender waits until it dies or times out
          const raw = Buffer.concat(chunks).toString('utf8');
          relay.delivered.push({
            messageId: header(raw, 'Message-ID'),
            subject: header(raw, 'Subject'),
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          if (relay.mode === 'accept-then') relay.beforeAnswer();
          callback();
        });
      },
    });
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  let listening = true;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    get mode() {
      return relay.mode;
    },
    set mode(m: RelayMode) {
      relay.mode = m;
    },
    delivered: relay.delivered,
    get beforeAnswer() {
      return relay.beforeAnswer;
    },
    set beforeAnswer(fn: () => void) {
      relay.beforeAnswer = fn;
    },
    get attempts() {
      return relay.attempts;
    },
    down: stop,
    async up() {
      if (listening) return;
      server = make();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      listening = true;
    },
    close: stop,
  };
}
