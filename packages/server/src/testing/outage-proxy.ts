import { type AddressInfo, connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy to PostgreSQL that can go away and come back on the same port, as a server would:
 * an outage for one store in a test, while the machine's PostgreSQL (and every other test's
 * connection to it) stays up.
 */
export async function outageProxy(target: URL) {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    /** Refuses new connections and cuts the open ones, as a stopped server does. */
    down() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
    up: () => listen(port),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export type OutageProxy = Awaited<ReturnType<typeof outageProxy>>;
