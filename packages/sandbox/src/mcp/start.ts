import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { SandboxConfigError } from "../errors";
import { createMcpSandboxApp, type McpSandboxApp, type McpSandboxAppOptions } from "./app";

export type StartMcpSandboxOptions = Omit<McpSandboxAppOptions, "origin"> & {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
};

export type McpSandbox = McpSandboxApp & {
  /** The listener's origin. */
  origin: string;
  close(): Promise<void>;
};

/** A remote MCP server behind its own authorization server, on one loopback listener. */
export async function startMcpSandbox(options: StartMcpSandboxOptions = {}): Promise<McpSandbox> {
  const { port = 0, host = "127.0.0.1", ...appOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxConfigError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  // The origin holds the port, known only once listening: the app is built after listen.
  let handle: ((request: Request) => Response | Promise<Response>) | null = null;
  const server = createAdaptorServer({
    fetch: (request) => (handle ? handle(request) : new Response(null, { status: 503 })),
  }) as Server;
  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  const sandbox = createMcpSandboxApp({ ...appOptions, origin });
  handle = (request) => sandbox.app.fetch(request);
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return { ...sandbox, origin, close };
}
