import { createServer } from "node:net";
import { type McpSandbox, type Sandbox, startMcpSandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mcp, mcpAuthProvider, mcpServerUrl, mcpTransport } from "./mcp";
import { ConnectionsError } from "./shared/errors";
import { createPostgresStore } from "./store/postgres-store";
import { connectThroughSandbox, createHost, sandboxAttio } from "./testing/harness";
import { type OutageProxy, outageProxy } from "./testing/outage-proxy";
import { createScratchDatabase } from "./testing/postgres";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let proxy: OutageProxy;
let sandbox: Sandbox;
let mcpSandbox: McpSandbox;
let host: ReturnType<typeof createHost>;
let unreachable: string;
const alice = { provider: "attio", tenantId: "acme", userId: "alice" };
// Nobody connected bob: every answer about him needs the database.
const bob = { provider: "attio", tenantId: "acme", userId: "bob" };

beforeAll(async () => {
  scratch = await createScratchDatabase();
  proxy = await outageProxy(new URL(scratch.url));
  sandbox = await startSandbox();
  mcpSandbox = await startMcpSandbox({ mcpKnobs: { clientIdMetadataDocuments: false } });
  unreachable = `http://127.0.0.1:${await closedPort()}`;
  host = createHost({
    store: createPostgresStore({ url: proxy.url, max: 2 }),
    sandboxUrl: sandbox.url,
    providers: [
      sandboxAttio(sandbox.url, { apiOrigins: [sandbox.url, unreachable] }),
      mcp({ name: "tasks", url: mcpSandbox.url, allowPrivateNetwork: true }),
    ],
  });
  await host.connections.ready();
  expect((await connectThroughSandbox(host.app, "acme:alice")).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await host?.connections.close();
  await proxy?.close();
  await mcpSandbox?.close();
  await sandbox?.close();
  await scratch?.drop();
});

it("connections.fetch to a provider that is out of reach throws fetch's own error, not store_unavailable", async () => {
  const failure = await host.connections.fetch(alice, `${unreachable}/`).then(
    () => new Error("answered"),
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(TypeError);
});

it("while the database is away, every method that reads it throws ConnectionsError store_unavailable, never the driver's error", async () => {
  const { connections } = host;
  const [connection] = await connections.listConnections({ tenantId: "acme" });
  // Warm: getUserConnection then fails on reading the connection's row, not on the credential.
  await connections.getCredential(alice);

  proxy.down();
  try {
    const calls: Record<string, () => Promise<unknown>> = {
      getCredential: () => connections.getCredential(bob),
      fetch: () => connections.fetch(bob, sandbox.url),
      getUserConnection: () => connections.getUserConnection(alice),
      getWorkspaceConnection: () =>
        connections.getWorkspaceConnection({ provider: "attio", tenantId: "acme" }),
      listConnections: () => connections.listConnections({ tenantId: "acme" }),
      getConnection: () => connections.getConnection(connection!.id),
      disconnect: () => connections.disconnect(connection!.id),
      webhookDeliveries: () => connections.webhookDeliveries(),
      "mcpAuthProvider's tokens": async () =>
        mcpAuthProvider(connections, { ...bob, provider: "tasks" }).tokens(),
      "mcpAuthProvider of a server added at run time": async () =>
        mcpAuthProvider(connections, { ...bob, provider: "added" }).tokens(),
      mcpTransport: () => mcpTransport(connections, { ...bob, provider: "added" }),
      mcpServerUrl: () => mcpServerUrl(connections, { ...bob, provider: "added" }),
    };
    const thrown: Record<string, unknown> = {};
    for (const [name, call] of Object.entries(calls)) {
      const error = await call().then(
        () => "answered",
        (reason: unknown) => reason,
      );
      thrown[name] =
        error instanceof ConnectionsError
          ? { code: error.code, message: error.message, cause: error.cause }
          : String(error);
    }
    const expected = {
      code: "store_unavailable",
      message: "The connections database is unavailable right now; try again shortly",
      cause: undefined,
    };
    expect(thrown).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, expected])));
  } finally {
    await proxy.up();
  }
});

/** A port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
