import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import { createSandboxApp } from "./app";
import type { SandboxClient } from "./clients";
import { SandboxConfigError } from "./errors";
import type { SandboxKnobs } from "./knobs";
import type { SandboxStats } from "./stats";

export type StartSandboxOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  clients?: SandboxClient[];
  knobs?: Partial<SandboxKnobs>;
  workspaceName?: string;
};

export type Sandbox = {
  /** "http://127.0.0.1:<port>"; also the issuer. */
  url: string;
  issuer: string;
  /** Mutable: changes apply to the next request. */
  knobs: SandboxKnobs;
  /** Live counters. */
  stats: SandboxStats;
  app: Hono;
  /** Invalidates every access and refresh token, as if the user removed the app in Attio. */
  revokeAll(): void;
  expireAccessTokens(): void;
  close(): Promise<void>;
};

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** IPv6 literals need brackets inside a URL. */
const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host);

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxConfigError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  // The issuer contains the port, which is only known once listening, so the app is built
  // after listen and nothing can reach the handler before it exists.
  let handle: ((request: Request) => Response | Promise<Response>) | null = null;
  const server = createAdaptorServer({
    fetch: (request) => (handle ? handle(request) : new Response(null, { status: 503 })),
  }) as Server;
  const address = await listen(server, port, host);
  const url = `http://${urlHost(host)}:${address.port}`;
  const sandbox = createSandboxApp({
    issuer: url,
    clients: options.clients,
    knobs: options.knobs,
    workspaceName: options.workspaceName,
  });
  handle = (request) => sandbox.app.fetch(request);

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // fetch keeps connections alive; without this close() waits for them to time out.
      server.closeAllConnections();
    });

  return { ...sandbox, url, close };
}
