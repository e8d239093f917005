import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type McpSandbox, startMcpSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore } from "../store/postgres-store";
import { connectThroughSandbox, createHost } from "../testing/harness";
import { createScratchDatabase } from "../testing/postgres";
import { mcpTransport } from "./adapters";
import { createMcpProvider, mcp } from "./provider";
import { createMcpTransport } from "./transport";

// On PostgreSQL, where a change reaches this instance's cache only through NOTIFY, later.

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let sandbox: McpSandbox;
let host: ReturnType<typeof createHost>;
const alice = { provider: "tasks", tenantId: "acme", userId: "alice" };

beforeAll(async () => {
  scratch = await createScratchDatabase();
  sandbox = await startMcpSandbox({ mcpKnobs: { clientIdMetadataDocuments: false } });
  host = createHost({
    store: createPostgresStore({ url: scratch.url, max: 4 }),
    sandboxUrl: "",
    // The server's origin, and nothing else, through the SSRF guard.
    providers: [
      mcp({ name: "tasks", url: sandbox.url, allowedOrigins: new Set([sandbox.origin]) }),
    ],
  });
  await host.connections.ready();
  expect((await connectThroughSandbox(host.app, "acme:alice", { provider: "tasks" })).status).toBe(
    200,
  );
}, 60_000);

afterAll(async () => {
  await host?.connections.close();
  await sandbox?.close();
  await scratch?.drop();
});

async function listTasks(transport: Awaited<ReturnType<typeof mcpTransport>>) {
  const client = new Client({ name: "test", version: "1.0.0" });
  try {
    await client.connect(transport);
    const result = await client.callTool({ name: "list_tasks", arguments: {} });
    return JSON.parse((result.content as { text: string }[])[0]!.text) as unknown[];
  } finally {
    await client.close();
  }
}

it("a token the server refuses before its expiry: one refresh, the call succeeds, every time", async () => {
  await listTasks(await mcpTransport(host.connections, alice));
  const before = sandbox.stats.refreshGrants;
  for (let round = 1; round <= 5; round++) {
    sandbox.expireAccessTokens();
    expect((await listTasks(await mcpTransport(host.connections, alice))).length).toBeGreaterThan(
      0,
    );
    expect(sandbox.stats.refreshGrants - before).toBe(round);
  }
});

const unused = {
  type: "oauth2" as const,
  connectionId: "c",
  accessToken: "unused",
  expiresAt: null,
  scopes: [],
  extras: {},
};

it("sends nothing to a server the SSRF guard refuses, whatever the provider discovered", async () => {
  const strict = createMcpProvider({ name: "strict", url: sandbox.url });
  const transport = createMcpTransport(strict, {
    name: "strict",
    redirectUri: "http://localhost:3050/api/connections/callback",
    tokens: {
      provider: "strict",
      current: async () => unused,
      refreshed: async () => unused,
    },
  });
  const requests = sandbox.mcpStats.mcpRequests;
  await expect(listTasks(transport)).rejects.toMatchObject({ code: "unsafe_url" });
  expect(sandbox.mcpStats.mcpRequests).toBe(requests);
});
