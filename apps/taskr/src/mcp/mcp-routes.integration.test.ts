import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { answerConsent, type McpSandbox, startMcpSandbox } from "@x/sandbox";
import { type Connections, createConnections, pgliteStore } from "@x/server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TaskrEnv, TENANT_ID } from "../env";
import { testUser } from "../testing/test-user";
import { mcpRoutes } from "./mcp-routes";

const user = testUser;
const MOUNT = "/api/connections";
const headers = { "content-type": "application/json", "x-connect-request": "1" };

let sandbox: McpSandbox;
let connections: Connections;
const client = new PGlite();
const app = new Hono<TaskrEnv>();

beforeAll(async () => {
  // Nothing serves this test's Client ID Metadata Document: register dynamically instead.
  sandbox = await startMcpSandbox({ mcpKnobs: { clientIdMetadataDocuments: false } });
  connections = createConnections({
    baseUrl: "http://localhost:3050",
    mount: MOUNT,
    store: pgliteStore({ client }),
    vault: { keys: `v1:${randomBytes(32).toString("base64")}` },
    providers: [],
    identify: () => ({ tenantId: TENANT_ID, userId: user.id }),
    mcp: { allowPrivateNetwork: true },
  });
  await connections.ready();
  app.use(async (c, next) => {
    c.set("user", user);
    await next();
  });
  app.route(MOUNT, connections.routes);
  app.route("/api/mcp", mcpRoutes(connections, sandbox.url));
}, 60_000);

afterAll(async () => {
  await connections?.close();
  await sandbox?.close();
  await client.close();
});

const post = (path: string, body: unknown) =>
  app.request(path, { method: "POST", headers, body: JSON.stringify(body) });

/** The consent the user gives in the popup, answered over HTTP. */
async function connect(body: Record<string, unknown> = {}) {
  const started = await post(`${MOUNT}/connect/sandbox`, body);
  expect(started.status).toBe(200);
  const callback = await answerConsent((await started.json()).authorizeUrl);
  const done = await app.request(`${callback.pathname}${callback.search}`);
  expect(done.status).toBe(200);
}

const runTool = (tool: string, args: Record<string, unknown> = {}) =>
  post(`/api/mcp/sandbox/tools/${tool}`, { arguments: args });

describe("the MCP servers page's API", () => {
  it("offers the sandbox server, and refuses tools before the user connects", async () => {
    expect(await (await app.request("/api/mcp/suggested")).json()).toEqual({ url: sandbox.url });
    expect((await post(`${MOUNT}/mcp-servers`, { url: sandbox.url, name: "sandbox" })).status).toBe(
      201,
    );
    const before = await app.request("/api/mcp/sandbox/tools");
    expect(before.status).toBe(409);
    expect(await before.json()).toMatchObject({
      error: { code: "connection_required", provider: "sandbox" },
    });
  });

  it("lists the server's tools and runs list_tasks once connected", async () => {
    await connect();
    const listed = await app.request("/api/mcp/sandbox/tools");
    expect(listed.status).toBe(200);
    const { tools } = await listed.json();
    expect(tools.map((tool: { name: string }) => tool.name)).toEqual(
      expect.arrayContaining(["list_tasks", "complete_task"]),
    );
    const ran = await runTool("list_tasks");
    expect(ran.status).toBe(200);
    const result = await ran.json();
    expect(result.isError).toBe(false);
    expect(JSON.parse(result.content[0].text)[0]).toHaveProperty("content");
    expect(JSON.stringify(result)).not.toMatch(/sbx_(at|rt|ac)_/);
  });

  it("answers a tool needing more scopes with insufficient_scope, which re-consent fixes", async () => {
    const [task] = JSON.parse((await (await runTool("list_tasks")).json()).content[0].text);
    const refused = await runTool("complete_task", { id: task.id });
    expect(refused.status).toBe(403);
    const { error } = await refused.json();
    expect(error).toMatchObject({ code: "insufficient_scope", provider: "sandbox" });
    await connect({ scopes: error.scopes });
    const done = await runTool("complete_task", { id: task.id });
    expect(done.status).toBe(200);
    expect(JSON.parse((await done.json()).content[0].text)).toMatchObject({ isCompleted: true });
    expect(await connections.listConnections({ tenantId: TENANT_ID })).toHaveLength(1);
  });

  it("refuses a body that is not { arguments } and an unknown server; bad arguments are the tool's error", async () => {
    const bad = await post("/api/mcp/sandbox/tools/list_tasks", { args: {} });
    expect(bad.status).toBe(400);
    const badArguments = await runTool("complete_task", { id: 42 });
    // The SDK's server answers bad arguments as a tool error, which the page shows as it is.
    expect(badArguments.status).toBe(200);
    expect(await badArguments.json()).toMatchObject({ isError: true });
    const unknown = await app.request("/api/mcp/nope/tools");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "unknown_provider" } });
  });
});
