import net from 'node:net';
import dns2 from 'dns2';

const { Packet } = dns2;

export type ZoneEntry = {
  /** Each record as its strings (a long DKIM key is split in 255-byte strings, as DNS hosts publish it). */
  TXT?: string[][];
  MX?: { exchange: string; priority: number }[];
  /** Answer SERVFAIL for this name, as a broken authoritative server would. */
  servfail?: boolean;
};

export type DnsServer = {
  /** For DNS_SERVERS */
  address: string;
  /** Edited by the tests: names (lower case, no trailing dot) and what they serve. */
  zone: Map<string, ZoneEntry>;
  close(): Promise<void>;
};

/** Splits a TXT value into the 255-byte strings one record may carry. */
export const txtStrings = (value: string) => value.match(/.{1,255}/g) ?? [''];

/**
 * A real authoritative DNS server on loopback (dns2), over UDP and TCP on one port: a DKIM key
 * does not fit a 512-byte UDP answer, so the resolver retries over TCP as it would on the Internet.
 */
export async function startDnsServer(): Promise<DnsServer> {
  const zone = new Map<string, ZoneEntry>();
  const server = dns2.createServer({
    udp: true,
    tcp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const name = question.name.toLowerCase().replace(/\.$/, '');
      const entry = zone.get(name);
      if (entry?.servfail) {
        response.header.rcode = Packet.RCODE.SERVFAIL;
      } else if (!entry) {
        response.header.rcode = Packet.RCODE.NXDOMAIN;
      } else if (question.type === Packet.TYPE.TXT) {
        for (const data of entry.TXT ?? [])
          response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 60, data }));
      } else if (question.type === Packet.TYPE.MX) {
        for (const mx of entry.MX ?? [])
          response.answers.push(Packet.createResourceFromQuestion(question, { type: Packet.TYPE.MX, class: Packet.CLASS.IN, ttl: 60, ...mx }));
      }
      send(response);
    },
  });
  const port = await freeTcpPort();
  await server.listen({ udp: { port, address: '127.0.0.1' }, tcp: { port, address: '127.0.0.1' } });
  return { address: `127.0.0.1:${port}`, zone, close: () => server.close() };
}

/** A port free for TCP (and, on loopback, almost surely for UDP too). */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
