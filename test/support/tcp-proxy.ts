/**
 * A TCP proxy on loopback for fault-injection tests: put it between the code
 * and a dependency (the embedded DynamoDB) and switch, at run time, how the
 * dependency behaves as seen through it:
 *
 * - `pass`: forwards bytes both ways, a healthy dependency;
 * - `refuse`: nothing listens on the port any more (connections are refused)
 *   and open connections are reset, a stopped dependency;
 * - `reset`: accepts, then resets every connection (TCP RST), a crashing one;
 * - `hang`: accepts and never answers, and open connections go silent too,
 *   a hung one (the worst case: nothing fails, everything waits).
 *
 * A connection that was silenced stays silent after switching back to `pass`
 * (its HTTP exchange is lost); new connections pass, as after a real outage.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'reset' | 'hang';

export interface TcpProxy {
  /** The loopback port the proxy listens on (kept while refusing). */
  port: number;
  /** `http://127.0.0.1:<port>`: the endpoint to hand to the code under test. */
  endpoint: string;
  mode(): FaultMode;
  /** Switches the fault mode; resolves once it applies to every new connection. */
  setMode(mode: FaultMode): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

interface Link {
  client: Socket;
  upstream?: Socket;
  silenced: boolean;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function reset(socket: Socket | undefined): void {
  if (!socket || socket.destroyed) return;
  // An RST, not a FIN: the peer sees ECONNRESET, as from a crashed server.
  socket.resetAndDestroy();
}

/** Starts a proxy in `pass` mode in front of `target` (a port on loopback). */
export async function startTcpProxy(target: { port: number; host?: string }): Promise<TcpProxy> {
  let mode: FaultMode = 'pass';
  const links = new Set<Link>();

  const forward = (from: Socket, to: () => Socket | undefined, link: Link) => {
    from.on('data', (chunk: Buffer) => {
      if (link.silenced || mode === 'hang') {
        link.silenced = true;
        return;
      }
      to()?.write(chunk);
    });
  };

  const accept = (client: Socket) => {
    const link: Link = { client, silenced: false };
    links.add(link);
    client.on('close', () => {
      links.delete(link);
      link.upstream?.destroy();
    });
    client.on('error', () => undefined);
    if (mode === 'reset') {
      reset(client);
      return;
    }
    if (mode === 'hang') {
      // Accepted, read, never answered.
      link.silenced = true;
      client.resume();
      return;
    }
    const upstream = createConnection({ port: target.port, host: target.host ?? HOST });
    link.upstream = upstream;
    upstream.on('error', () => reset(client));
    upstream.on('close', () => {
      if (!link.silenced) client.end();
    });
    client.on('end', () => {
      if (!link.silenced) upstream.end();
    });
    forward(client, () => upstream, link);
    forward(upstream, () => client, link);
  };

  let server = createServer(accept);
  await listen(server, 0);
  const { port } = server.address() as { port: number };
  let listening = true;

  const stopListening = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const link of links) {
      reset(link.client);
      reset(link.upstream);
    }
    await closed;
  };

  return {
    port,
    endpoint: `http://${HOST}:${port}`,
    mode: () => mode,
    async setMode(next) {
      if (next === 'refuse') {
        mode = next;
        await stopListening();
        return;
      }
      if (!listening) {
        server = createServer(accept);
        await listen(server, port);
        listening = true;
      }
      mode = next;
      if (next === 'reset') {
        for (const link of links) {
          reset(link.client);
          reset(link.upstream);
        }
      }
      if (next === 'hang') for (const link of links) link.silenced = true;
    },
    async close() {
      await stopListening();
    },
  };
}
