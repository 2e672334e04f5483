import net from 'node:net';

export type ProxyMode =
  /** forwards both ways */
  | 'pass'
  /** closes every connection (FIN) and refuses new ones: a server that went away */
  | 'drop'
  /** keeps every connection open but forwards nothing, and accepts new ones that go nowhere: a network partition */
  | 'stall'
  /** resets every connection (RST) and refuses new ones */
  | 'reset';

export type TcpProxy = {
  port: number;
  /** postgres://… with the target's credentials and database, through the proxy */
  urlFor(targetUrl: string): string;
  mode: ProxyMode;
  setMode(mode: ProxyMode): void;
  /** Connections forwarded so far (a count, for asserting that something reconnected). */
  readonly accepted: number;
  close(): Promise<void>;
};

/**
 * A TCP proxy on loopback in front of PostgreSQL, to cut, stall or reset the server's
 * connections while PostgreSQL itself keeps running. `listen: false` starts it refusing (the
 * port is reserved but nothing listens) until `setMode('pass')`.
 */
export async function startTcpProxy(targetPort: number, opts: { listen?: boolean } = {}): Promise<TcpProxy> {
  type Pair = { client: net.Socket; upstream: net.Socket | null; toUp: Buffer[]; toClient: Buffer[] };
  const pairs = new Set<Pair>();
  let mode: ProxyMode = opts.listen === false ? 'drop' : 'pass';
  let accepted = 0;
  const connectUpstream = (pair: Pair) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
    upstream.on('data', (d) => {
      if (mode === 'pass') pair.client.write(d);
      else pair.toClient.push(d);
    });
    flush(pair);
  };
  // What a stalled network held back arrives once it flows again, as TCP would retransmit it.
  const flush = (pair: Pair) => {
    for (const d of pair.toUp.splice(0)) pair.upstream?.write(d);
    for (const d of pair.toClient.splice(0)) pair.client.write(d);
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'drop') return void client.end();
    if (mode === 'reset') return void client.resetAndDestroy();
    accepted++;
    const pair: Pair = { client, upstream: null, toUp: [], toClient: [] };
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    client.on('data', (d) => {
      if (mode === 'pass' && pair.upstream) pair.upstream.write(d);
      else pair.toUp.push(d);
    });
    // A connection accepted while stalled does not reach PostgreSQL until the network flows again.
    if (mode === 'pass') connectUpstream(pair);
  });
  // The port is chosen by listening once; 'drop' before the first listen keeps it closed for real.
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  let listening = true;
  const stopListening = () =>
    new Promise<void>((r) => {
      if (!listening) return r();
      listening = false;
      server.close(() => r());
    });
  if (opts.listen === false) await stopListening();

  return {
    port,
    urlFor(targetUrl) {
      const u = new URL(targetUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    setMode(next) {
      mode = next;
      if (next === 'drop' || next === 'reset') {
        for (const p of pairs) {
          if (next === 'drop') {
            p.client.end();
            p.upstream?.end();
          } else {
            p.client.resetAndDestroy();
            p.upstream?.destroy();
          }
        }
        pairs.clear();
      }
      if (next === 'pass') {
        for (const p of pairs) {
          if (p.upstream) flush(p);
          else connectUpstream(p);
        }
        if (!listening) {
          listening = true;
          server.listen(port, '127.0.0.1');
        }
      }
    },
    async close() {
      for (const p of pairs) p.upstream?.destroy();
      // server.close() waits for every connection, half-closed ones included.
      for (const c of sockets) c.destroy();
      await stopListening();
    },
  };
}
