import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { SandboxConfigError } from "./errors";

type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Listens on loopback, then builds the app from the origin: a sandbox's issuer holds its port,
 * which is known only once listening, so nothing can reach the handler before it exists.
 */
export async function listenThenServe<App>(
  options: { port?: number; host?: string },
  build: (origin: string) => { app: App; fetch: FetchHandler },
): Promise<{ app: App; origin: string; close(): Promise<void> }> {
  const { port = 0, host = "127.0.0.1" } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxConfigError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  let handle: FetchHandler | null = null;
  const server = createAdaptorServer({
    fetch: (request) => (handle ? handle(request) : new Response(null, { status: 503 })),
  }) as Server;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
  // IPv6 literals need brackets inside a URL.
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // fetch keeps connections alive; without this close() waits for them to time out.
      server.closeAllConnections();
    });
  // A build that throws (an unreadable state file) must not leave the port taken.
  let built: ReturnType<typeof build>;
  try {
    built = build(origin);
  } catch (error) {
    await close();
    throw error;
  }
  handle = built.fetch;
  return { app: built.app, origin, close };
}
