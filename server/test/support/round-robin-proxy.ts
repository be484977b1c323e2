/**
 * A balancer in front of several replicas on one loopback port, as a plain
 * TCP load balancer is: each new connection goes to the next backend in turn,
 * skipping one that refuses it, and no session is sticky. A WebSocket is one
 * connection, so it stays on the replica it reached first.
 */
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** The replicas behind it; set once they listen (they learn the proxy's address first, as their PRISM_REPORT_URL). */
  use(backends: Backend[]): void;
  /** How many connections each backend took, by index. */
  served(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let backends: Backend[] = [];
  let next = 0;
  let served: number[] = [];
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  /** Tries each backend once, from the next in turn; null when none takes the connection. */
  const reach = async (): Promise<{ upstream: net.Socket; index: number } | null> => {
    if (backends.length === 0) return null;
    const first = next % backends.length;
    next = first + 1;
    for (let i = 0; i < backends.length; i++) {
      const index = (first + i) % backends.length;
      const upstream = await new Promise<net.Socket | null>(resolve => {
        const socket = net.connect(backends[index].port, backends[index].host);
        socket.once('connect', () => resolve(socket));
        socket.once('error', () => resolve(null));
      });
      if (upstream) return { upstream, index };
    }
    return null;
  };

  const server = net.createServer(client => {
    track(client);
    client.pause();
    client.on('error', () => client.destroy());
    void reach().then(reached => {
      if (!reached || client.destroyed) {
        reached?.upstream.destroy();
        client.destroy();
        return;
      }
      const { upstream, index } = reached;
      served[index]++;
      track(upstream);
      upstream.on('error', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    use: list => {
      backends = list;
      served = list.map(() => 0);
    },
    served: () => [...served],
    close: () =>
      new Promise(resolve => {
        open.forEach(socket => socket.destroy());
        server.close(() => resolve());
      })
  };
}
