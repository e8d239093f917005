import { type McpSandbox, startMcpSandbox } from "@x/sandbox";
import { describe, expect, it } from "vitest";
import { mcpServerListResponse, mcpServerResponse } from "../routes/schemas";
import {
  asUser,
  connectThroughSandbox,
  createHost,
  json,
  MOUNT,
  makeConnectionsDue,
} from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { canonicalServerUrl, serverNameFrom } from "./servers";

const { client, store, closers } = pgliteForFile([
  "x_connections",
  "x_oauth_flows",
  "x_mcp_client_registrations",
  "x_mcp_servers",
]);
let sandbox: McpSandbox;

async function start() {
  sandbox = await startMcpSandbox({ mcpKnobs: { clientIdMetadataDocuments: false } });
  closers.push(() => sandbox.close());
}

function host(allowPrivateNetwork = true, allowedOrigins: string[] = []) {
  const made = createHost({
    store,
    sandboxUrl: "",
    providers: [],
    settings: { mcp: { allowPrivateNetwork, allowedOrigins } },
  });
  closers.push(() => made.connections.close());
  return made;
}

type Host = ReturnType<typeof host>;

function addServer(made: Host, user: string, body: Record<string, unknown>) {
  return made.app.request(
    `${MOUNT}/mcp-servers`,
    asUser(user, { method: "POST", body: JSON.stringify(body) }),
  );
}

async function providerNames(made: Host, user: string): Promise<string[]> {
  const response = await made.app.request(`${MOUNT}/providers`, asUser(user));
  return (await json(response)).providers.map((provider: { name: string }) => provider.name);
}

function ping(made: Host, request: { provider: string; tenantId: string; userId?: string }) {
  return made.connections.fetch(request, sandbox.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
}

describe("POST /mcp-servers", () => {
  it("discovers, lists the server configured, connects through consent, and the credential works", async () => {
    await start();
    const made = host();
    const added = await addServer(made, "acme:alice", { url: sandbox.url, name: "tasks" });
    expect(added.status).toBe(201);
    const body = mcpServerResponse.parse(await json(added));
    expect(body.server).toMatchObject({ name: "tasks", url: sandbox.url, visibility: "user" });
    expect(body.provider).toMatchObject({ name: "tasks", configured: true });
    expect(sandbox.mcpStats.registrations).toBe(1);

    const listed = await json(await made.app.request(`${MOUNT}/providers`, asUser("acme:alice")));
    expect(listed.providers).toContainEqual(
      expect.objectContaining({ name: "tasks", configured: true, scopes: ["task:read"] }),
    );
    const done = await connectThroughSandbox(made.app, "acme:alice", { provider: "tasks" });
    expect(done.status).toBe(200);
    const connection = await made.connections.getUserConnection({
      provider: "tasks",
      tenantId: "acme",
      userId: "alice",
    });
    expect(connection.value).toBeTruthy();
    const answer = await ping(made, { provider: "tasks", tenantId: "acme", userId: "alice" });
    expect(answer.status).toBe(200);
  });

  it("keeps a tenant's servers to that tenant, and a user's server to that user", async () => {
    await start();
    const made = host();
    expect((await addServer(made, "acme:alice", { url: sandbox.url, name: "tasks" })).status).toBe(
      201,
    );
    expect(await providerNames(made, "globex:bob")).not.toContain("tasks");
    expect(await providerNames(made, "acme:carol")).not.toContain("tasks");
    const serversOf = async (user: string) =>
      mcpServerListResponse.parse(
        await json(await made.app.request(`${MOUNT}/mcp-servers`, asUser(user))),
      ).servers;
    expect(await serversOf("acme:alice")).toEqual([
      expect.objectContaining({
        name: "tasks",
        url: sandbox.url,
        provider: expect.objectContaining({ name: "tasks", configured: true }),
      }),
    ]);
    expect(await serversOf("acme:carol")).toEqual([]);
    expect(await serversOf("globex:bob")).toEqual([]);
    for (const user of ["globex:bob", "acme:carol"]) {
      const response = await made.app.request(
        `${MOUNT}/connect/tasks`,
        asUser(user, { method: "POST", body: "{}" }),
      );
      expect(response.status).toBe(404);
      expect((await json(response)).error.code).toBe("unknown_provider");
    }
    const taken = await addServer(made, "acme:carol", { url: sandbox.url });
    expect(taken.status).toBe(409);
    expect((await json(taken)).error.code).toBe("mcp_server_exists");
    const workspace = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice:admin", { method: "POST", body: '{"visibility":"workspace"}' }),
    );
    expect(workspace.status).toBe(400);
    // Another tenant may add the same URL under the same name: names are per tenant.
    expect((await addServer(made, "globex:bob", { url: sandbox.url, name: "tasks" })).status).toBe(
      201,
    );
  });

  it("lets only admins add workspace servers, which every member then sees", async () => {
    await start();
    const made = host();
    const refused = await addServer(made, "acme:carol", {
      url: sandbox.url,
      visibility: "workspace",
    });
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe("forbidden");
    expect(sandbox.mcpStats.mcpRequests).toBe(0);

    const added = await addServer(made, "acme:alice:admin", {
      url: sandbox.url,
      name: "tasks",
      visibility: "workspace",
    });
    expect(added.status).toBe(201);
    expect(await providerNames(made, "acme:carol")).toContain("tasks");
    const done = await connectThroughSandbox(made.app, "acme:carol", { provider: "tasks" });
    expect(done.status).toBe(200);
  });

  it("returns the existing server for the same canonical URL", async () => {
    await start();
    const made = host();
    const first = await json(await addServer(made, "acme:alice", { url: sandbox.url }));
    const again = await addServer(made, "acme:alice", {
      url: `${sandbox.url}#tools`,
      name: "other",
    });
    expect(again.status).toBe(200);
    expect((await json(again)).server.id).toBe(first.server.id);
    expect(first.server.name).toBe(serverNameFrom(sandbox.url));
    expect(sandbox.mcpStats.registrations).toBe(1);
  });

  it("refuses loopback unless the host allows private networks, and bad URLs", async () => {
    await start();
    const made = host(false);
    for (const url of [sandbox.url, sandbox.url.replace(/^http:/, "https:"), "not a url"]) {
      const response = await addServer(made, "acme:alice", { url });
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }
    expect(sandbox.mcpStats.mcpRequests).toBe(0);
    expect(await providerNames(made, "acme:alice")).toEqual([]);
  });

  it("lets exactly the allowed origins through the guard, and refuses other private ones", async () => {
    await start();
    const made = host(false, [sandbox.url]);
    const other = await startMcpSandbox();
    closers.push(() => other.close());
    const refused = await addServer(made, "acme:alice", { url: other.url });
    expect(refused.status).toBe(400);
    expect(other.mcpStats.mcpRequests).toBe(0);
    const added = await addServer(made, "acme:alice", { url: sandbox.url, name: "tasks" });
    expect(added.status).toBe(201);
    const done = await connectThroughSandbox(made.app, "acme:alice", { provider: "tasks" });
    expect(done.status).toBe(200);
    const answer = await ping(made, { provider: "tasks", tenantId: "acme", userId: "alice" });
    expect(answer.status).toBe(200);
  });

  it("refuses an allowed origin that is not a URL when the host starts", () => {
    expect(() => host(false, ["not a url"])).toThrow(/mcp\.allowedOrigins/);
  });

  it("answers 504 for a server that does not answer, and saves nothing", async () => {
    const gone = await startMcpSandbox();
    const url = gone.url;
    await gone.close();
    const made = host();
    const response = await addServer(made, "acme:alice", { url });
    expect(response.status).toBe(504);
    expect((await json(response)).error).toMatchObject({ code: "provider_unreachable" });
    expect(await providerNames(made, "acme:alice")).toEqual([]);
  });

  it("survives a restart: listed, and the connection still works", async () => {
    await start();
    const first = host();
    await addServer(first, "acme:alice", { url: sandbox.url, name: "tasks" });
    const done = await connectThroughSandbox(first.app, "acme:alice", { provider: "tasks" });
    expect(done.status).toBe(200);
    await first.connections.close();

    const restarted = host();
    await restarted.connections.ready();
    const listed = await json(
      await restarted.app.request(`${MOUNT}/providers`, asUser("acme:alice")),
    );
    // Not discovered again until it is used: listing does no network I/O.
    expect(listed.providers).toEqual([
      expect.objectContaining({ name: "tasks", configured: false }),
    ]);
    const answer = await ping(restarted, { provider: "tasks", tenantId: "acme", userId: "alice" });
    expect(answer.status).toBe(200);
    expect(sandbox.mcpStats.registrations).toBe(1);
  });
});

describe("the worker and added servers", () => {
  it("refreshes a due connection to an added server on an instance that never used it", async () => {
    await start();
    const first = host();
    await addServer(first, "acme:alice", { url: sandbox.url, name: "tasks" });
    const done = await connectThroughSandbox(first.app, "acme:alice", { provider: "tasks" });
    expect(done.status).toBe(200);
    await first.connections.close();
    await makeConnectionsDue(client);

    // Found by the tick's one batched lookup, and discovered before its refresh.
    const other = host();
    await other.connections.ready();
    const before = sandbox.stats.refreshGrants;
    expect(await other.connections.worker.tick()).toMatchObject({ refreshed: 1, failed: 0 });
    expect(sandbox.stats.refreshGrants - before).toBe(1);
    const [connection] = await other.connections.listConnections({ tenantId: "acme" });
    expect(connection?.status).toBe("active");
  });
});

describe("serverNameFrom()", () => {
  it("names a server by its host and port, in kebab-case starting with a letter", () => {
    expect(serverNameFrom("https://mcp.example.com/mcp")).toBe("mcp-example-com");
    expect(serverNameFrom("http://127.0.0.1:8123/mcp")).toBe("mcp-127-0-0-1-8123");
  });
});

describe("canonicalServerUrl()", () => {
  it("drops the fragment and a default port, and refuses credentials and http", () => {
    expect(canonicalServerUrl("https://MCP.Example.com:443/mcp#x", false)).toBe(
      "https://mcp.example.com/mcp",
    );
    expect(() => canonicalServerUrl("http://mcp.example.com/mcp", false)).toThrow(/https/);
    expect(() => canonicalServerUrl("https://a:b@mcp.example.com/", false)).toThrow(/credentials/);
  });
});

describe("a member's server does not block the workspace's (squatting)", () => {
  it("lets an admin add for the workspace a URL a member added for themselves: it becomes the workspace's", async () => {
    await start();
    const made = host();
    expect((await addServer(made, "acme:carol", { url: sandbox.url, name: "tasks" })).status).toBe(
      201,
    );
    await connectThroughSandbox(made.app, "acme:carol", { provider: "tasks" });
    const promoted = await addServer(made, "acme:alice:admin", {
      url: sandbox.url,
      visibility: "workspace",
    });
    expect(promoted.status).toBe(200);
    expect((await json(promoted)).server).toMatchObject({ name: "tasks", visibility: "workspace" });
    expect(await providerNames(made, "acme:dave")).toContain("tasks");
    // Carol's own connection to it keeps working.
    const answer = await ping(made, { provider: "tasks", tenantId: "acme", userId: "carol" });
    expect(answer.status).toBe(200);
  });

  it("gives the workspace's server the next free name when a member's holds the one asked for", async () => {
    await start();
    const other = await startMcpSandbox({ mcpKnobs: { clientIdMetadataDocuments: false } });
    closers.push(() => other.close());
    const made = host();
    expect((await addServer(made, "acme:carol", { url: other.url, name: "crm" })).status).toBe(201);
    const added = await addServer(made, "acme:alice:admin", {
      url: sandbox.url,
      name: "crm",
      visibility: "workspace",
    });
    expect(added.status).toBe(201);
    expect((await json(added)).server).toMatchObject({ name: "crm-2", visibility: "workspace" });
    // A workspace server's name is the admins' own: a second one is refused.
    const again = await addServer(made, "acme:alice:admin", {
      url: other.url.replace("/mcp", "/mcp/"),
      name: "crm-2",
      visibility: "workspace",
    });
    expect((await json(again)).error.code).toBe("provider_name_taken");
  });
});

describe("DELETE /mcp-servers/:id", () => {
  const remove = (made: Host, user: string, id: string) =>
    made.app.request(`${MOUNT}/mcp-servers/${id}`, asUser(user, { method: "DELETE" }));

  it("lets the member who added a server remove it: its connections are revoked and deleted", async () => {
    await start();
    const made = host();
    const { server } = await json(await addServer(made, "acme:carol", { url: sandbox.url }));
    await connectThroughSandbox(made.app, "acme:carol", { provider: server.name });
    expect((await remove(made, "acme:dave", server.id)).status).toBe(404);
    expect((await remove(made, "acme:carol", server.id)).status).toBe(204);
    expect(sandbox.stats.revocations).toBe(1);
    expect(await made.connections.listConnections({ tenantId: "acme" })).toEqual([]);
    expect(await providerNames(made, "acme:carol")).not.toContain(server.name);
    expect(made.events.map((event) => event.type)).toContain("connection.deleted");
    expect((await remove(made, "acme:carol", server.id)).status).toBe(404);
  });

  it("lets only an admin remove a workspace server", async () => {
    await start();
    const made = host();
    const { server } = await json(
      await addServer(made, "acme:alice:admin", { url: sandbox.url, visibility: "workspace" }),
    );
    const refused = await remove(made, "acme:carol", server.id);
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.code).toBe("forbidden");
    expect((await remove(made, "globex:alice:admin", server.id)).status).toBe(404);
    expect((await remove(made, "acme:alice:admin", server.id)).status).toBe(204);
    expect(await providerNames(made, "acme:carol")).not.toContain(server.name);
  });
});
