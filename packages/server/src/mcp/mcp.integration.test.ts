import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type McpKnobs, type McpSandbox, startMcpSandbox } from "@x/sandbox";
import { describe, expect, it } from "vitest";
import { issuerKey } from "../oauth/redirect-uris";
import { connectionsErrorResponse } from "../routes/error-response";
import { ConnectionRequiredError, InsufficientScopeError } from "../shared/errors";
import { asUser, connectThroughSandbox, createHost, json, MOUNT } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { mcpAuthProvider, mcpServerUrl, mcpTransport } from "./adapters";
import { type McpOptions, mcp } from "./provider";

const { client, store, closers } = pgliteForFile([
  "x_connections",
  "x_oauth_flows",
  "x_mcp_client_registrations",
]);
let sandbox: McpSandbox;

const closeSandbox = () => sandbox.close();

async function start(
  options: {
    issuerPath?: string;
    mcpKnobs?: Partial<McpKnobs>;
    knobs?: Record<string, unknown>;
  } = {},
) {
  sandbox = await startMcpSandbox({
    ...options,
    // Most tests exercise dynamic registration; the CIMD test turns documents back on.
    mcpKnobs: { clientIdMetadataDocuments: false, ...options.mcpKnobs },
  });
  closers.push(closeSandbox);
  return sandbox;
}

function host(providers: Partial<McpOptions>[] = [{}], settings = {}) {
  const made = createHost({
    store,
    sandboxUrl: "",
    providers: providers.map((options, index) =>
      mcp({ name: `tasks${index || ""}`, url: sandbox.url, allowPrivateNetwork: true, ...options }),
    ),
    settings,
  });
  closers.push(() => made.connections.close());
  return made;
}

async function connect(made: ReturnType<typeof host>, provider = "tasks") {
  const done = await connectThroughSandbox(made.app, "acme:alice", { provider });
  expect(done.status).toBe(200);
}

async function callTool(
  made: ReturnType<typeof host>,
  name: string,
  options: { provider?: string; args?: Record<string, unknown>; ownTransport?: boolean } = {},
) {
  const request = { provider: options.provider ?? "tasks", tenantId: "acme", userId: "alice" };
  // The SDK's own transport around our auth provider, or the kit's transport.
  const transport = options.ownTransport
    ? new StreamableHTTPClientTransport(await mcpServerUrl(made.connections, request), {
        authProvider: mcpAuthProvider(made.connections, request),
      })
    : await mcpTransport(made.connections, request);
  const mcpClient = new Client({ name: "test", version: "1.0.0" });
  try {
    await mcpClient.connect(transport);
    const result = await mcpClient.callTool({ name, arguments: options.args ?? {} });
    return JSON.parse((result.content as { text: string }[])[0]!.text);
  } finally {
    await mcpClient.close();
  }
}

const listTasks = (
  made: ReturnType<typeof host>,
  provider = "tasks",
  ownTransport = false,
): Promise<{ id: string }[]> => callTool(made, "list_tasks", { provider, ownTransport });

describe("mcp(): discovery", () => {
  it("follows the challenge's resource_metadata, registers, connects with resource, and the SDK lists tasks", async () => {
    await start();
    const made = host();
    await made.connections.ready();
    const provider = (
      await json(await made.app.request(`${MOUNT}/providers`, asUser("acme:alice")))
    ).providers[0];
    expect(provider).toMatchObject({ name: "tasks", configured: true, scopes: ["task:read"] });
    expect(sandbox.mcpStats.registrations).toBe(1);
    expect(sandbox.registrationRequests[0]).toMatchObject({
      redirect_uris: [
        `http://localhost:3050/api/connections/callback/${issuerKey(sandbox.issuer)}`,
      ],
      grant_types: ["authorization_code", "refresh_token"],
      application_type: "web",
      token_endpoint_auth_method: "client_secret_basic",
    });
    await connect(made);
    expect((await listTasks(made)).length).toBeGreaterThan(0);
  });

  it("finds the metadata beneath the path, then at the root, when the challenge is bare", async () => {
    await start({ mcpKnobs: { challengeParameters: false } });
    const first = host();
    await first.connections.ready();
    expect(
      mcpAuthProvider(first.connections, { provider: "tasks", tenantId: "acme" }),
    ).toBeDefined();
    sandbox.mcpKnobs.resourceMetadataAt = "root";
    const second = host();
    await second.connections.ready();
    await connect(second);
    expect((await listTasks(second)).length).toBeGreaterThan(0);
    // Both found a scope: scopes_supported stands in for the challenge's.
    expect(sandbox.mcpStats.resourceMetadataRequests).toBe(2);
  });

  it("reads OpenID metadata for an issuer with a path", async () => {
    await start({ issuerPath: "/tenant1", mcpKnobs: { authorizationServerMetadata: "openid" } });
    const made = host();
    await connect(made);
    expect((await listTasks(made)).length).toBeGreaterThan(0);
  });

  it("refuses an authorization server without S256", async () => {
    await start({ mcpKnobs: { codeChallengeMethods: "plain-only" } });
    const made = host();
    const response = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect(response.status).toBe(502);
    expect((await json(response)).error.code).toBe("mcp_pkce_unsupported");
    expect(sandbox.mcpStats.registrations).toBe(0);
  });

  it("refuses loopback servers unless the host allows private networks", async () => {
    await start();
    const made = host([{ allowPrivateNetwork: false }]);
    const response = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect((await json(response)).error.code).toBe("unsafe_url");
    expect(sandbox.mcpStats.mcpRequests).toBe(0);
  });
});

describe("mcp(): client registration", () => {
  it("uses a pre-registered client before anything else", async () => {
    await start({ mcpKnobs: { clientIdMetadataDocuments: true } });
    sandbox.clients.set("pre", {
      clientId: "pre",
      clientSecret: "pre-secret",
      name: "Pre",
      redirectUris: ["http://localhost:3050/api/connections/callback"],
    });
    const made = host([{ clientId: "pre", clientSecret: "pre-secret", issuer: sandbox.issuer }]);
    await connect(made);
    expect(sandbox.mcpStats.registrations + sandbox.mcpStats.clientMetadataFetches).toBe(0);
  });

  it("refuses a pre-registered secret without the issuer it belongs to, and sends it to no other", async () => {
    await start();
    expect(() =>
      mcp({ name: "pre", url: sandbox.url, clientId: "pre", clientSecret: "s" }),
    ).toThrow(expect.objectContaining({ code: "invalid_options" }));
    sandbox.clients.set("pre", {
      clientId: "pre",
      clientSecret: "pre-secret",
      name: "Pre",
      redirectUris: ["http://localhost:3050/api/connections/callback"],
    });
    const made = host([
      { clientId: "pre", clientSecret: "pre-secret", issuer: "https://as.elsewhere.example" },
    ]);
    const response = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect((await json(response)).error.code).toBe("issuer_mismatch");
    expect(sandbox.stats.tokenRequests).toBe(0);
  });

  it("uses its Client ID Metadata Document when the server supports them", async () => {
    await start({ mcpKnobs: { clientIdMetadataDocuments: true } });
    let server: Server | undefined;
    const made = await new Promise<ReturnType<typeof host>>((resolve) => {
      let made2: ReturnType<typeof host>;
      // Only GETs reach it (the authorization server fetching our metadata document).
      server = createServer(async (incoming, outgoing) => {
        const origin = `http://${incoming.headers.host}`;
        const response = await made2.app.fetch(new Request(new URL(incoming.url ?? "/", origin)));
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(await response.text());
      });
      server.listen(0, "127.0.0.1", () => {
        const baseUrl = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
        made2 = host([{}], { baseUrl });
        resolve(made2);
      });
    });
    closers.push(() => server?.close());
    const started = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    const authorizeUrl = new URL((await json(started)).authorizeUrl);
    // One document per issuer, naming that issuer's own callback (RFC 9700 §4.4.2.2).
    const key = issuerKey(sandbox.issuer);
    expect(authorizeUrl.searchParams.get("client_id")).toMatch(
      new RegExp(`/api/connections/oauth-clients/${key}$`),
    );
    expect(authorizeUrl.searchParams.get("redirect_uri")).toMatch(
      new RegExp(`/api/connections/callback/${key}$`),
    );
    expect(authorizeUrl.searchParams.get("resource")).toBe(sandbox.url);
    const page = await fetch(authorizeUrl);
    expect(page.status).toBe(200);
    expect(sandbox.mcpStats.clientMetadataFetches).toBe(1);
    expect(sandbox.mcpStats.registrations).toBe(0);
  });

  it("shares one registration between servers behind one issuer, and keeps it across a restart", async () => {
    await start();
    const first = host([{}, {}]);
    await first.connections.ready();
    await connect(first);
    expect(sandbox.mcpStats.registrations).toBe(1);
    const [row] = (
      await client.query<{ sealed: string }>("select sealed from x_mcp_client_registrations")
    ).rows;
    expect(row?.sealed).not.toMatch(/sbx_cs_/);
    await first.connections.close();

    const restarted = host([{}]);
    await restarted.connections.ready();
    expect(sandbox.mcpStats.registrations).toBe(1);
    // The server drops our access token early: connections.fetch gets a 401, refreshes once with
    // the stored registration (client secret opened from the vault) and retries.
    sandbox.expireAccessTokens();
    const request = { provider: "tasks", tenantId: "acme", userId: "alice" };
    const response = await restarted.connections.fetch(request, sandbox.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(response.status).toBe(200);
    expect(sandbox.stats.refreshGrants).toBe(1);
    expect(sandbox.mcpStats.registrations).toBe(1);
  });

  it("registers again, once, after invalid_client", async () => {
    await start({ mcpKnobs: { forgetClientOnce: true } });
    const made = host();
    const failed = await connectThroughSandbox(made.app, "acme:alice", { provider: "tasks" });
    expect(failed.status).not.toBe(200);
    expect(sandbox.mcpStats.registrations).toBe(1);
    await connect(made);
    expect(sandbox.mcpStats.registrations).toBe(2);
    await connect(made);
    expect(sandbox.mcpStats.registrations).toBe(2);
  });
});

describe("discovery cache and outages", () => {
  it("reuses metadata within its max-age, and discovers again on each connect under no-store", async () => {
    await start();
    const made = host();
    await connect(made);
    const fetched = sandbox.mcpStats.resourceMetadataRequests;
    await connect(made);
    expect(sandbox.mcpStats.resourceMetadataRequests).toBe(fetched);

    sandbox.mcpKnobs.metadataMaxAgeSeconds = null;
    const uncached = host();
    await connect(uncached);
    const first = sandbox.mcpStats.resourceMetadataRequests;
    await connect(uncached);
    expect(sandbox.mcpStats.resourceMetadataRequests).toBe(first + 1);
  });

  it("a server that goes away gets a clear error on connect and leaves the connection's token served", async () => {
    await start({ mcpKnobs: { metadataMaxAgeSeconds: null } });
    const made = host();
    await connect(made);
    const before = await made.connections.getCredential({
      provider: "tasks",
      tenantId: "acme",
      userId: "alice",
    });
    const at = closers.indexOf(closeSandbox);
    expect(at).toBeGreaterThanOrEqual(0);
    closers.splice(at, 1);
    await sandbox.close();

    const response = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect(response.status).toBe(504);
    expect((await json(response)).error).toMatchObject({
      code: "provider_unreachable",
      message: expect.not.stringMatching(/sbx_/),
    });
    const after = await made.connections.getCredential({
      provider: "tasks",
      tenantId: "acme",
      userId: "alice",
    });
    expect(after).toEqual(before);
    const [connection] = await made.connections.listConnections({ tenantId: "acme" });
    expect(connection?.status).toBe("active");
  });
});

describe("mcpTransport(connections, ) and mcpAuthProvider()", () => {
  it("throws ConnectionRequiredError without a connection", async () => {
    await start();
    const made = host();
    await made.connections.ready();
    await expect(listTasks(made)).rejects.toBeInstanceOf(ConnectionRequiredError);
  });

  it("after the access token expires, the next call succeeds after exactly one refresh", async () => {
    await start({ knobs: { accessTokenTtlSeconds: 1 } });
    const made = host([{}], { refreshSkewMs: 0 });
    await connect(made);
    expect((await listTasks(made)).length).toBeGreaterThan(0);
    expect(sandbox.stats.refreshGrants).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await listTasks(made)).length).toBeGreaterThan(0);
    expect(sandbox.stats.refreshGrants).toBe(1);
    expect(sandbox.mcpStats.registrations).toBe(1);
  });

  it("a token the server refuses before its expiry: the kit's transport refreshes once and the call succeeds", async () => {
    await start();
    const made = host();
    await connect(made);
    await listTasks(made);
    sandbox.expireAccessTokens();
    expect((await listTasks(made)).length).toBeGreaterThan(0);
    expect(sandbox.stats.refreshGrants).toBe(1);
  });

  it("under the SDK's own transport, a 401 asking for scopes the connection holds is a refresh", async () => {
    // No challenge scope: the connection took, and the SDK's 401 asks for, everything listed.
    await start({ mcpKnobs: { challengeParameters: false } });
    const made = host();
    await connect(made);
    await listTasks(made, "tasks", true);
    sandbox.expireAccessTokens();
    const failed = await listTasks(made, "tasks", true).catch((error: unknown) => error);
    expect(failed).not.toBeInstanceOf(InsufficientScopeError);
    expect(sandbox.stats.refreshGrants).toBe(1);
    expect((await listTasks(made, "tasks", true)).length).toBeGreaterThan(0);
  });
});

describe("step-up authorization (403 insufficient_scope)", () => {
  const alice = { provider: "tasks", tenantId: "acme", userId: "alice" };

  it("the SDK's call raises InsufficientScopeError with the scopes the server asked for", async () => {
    await start();
    const made = host();
    await connect(made);
    const [task] = await listTasks(made);
    const refused = callTool(made, "complete_task", { args: { id: task!.id } });
    await expect(refused).rejects.toBeInstanceOf(InsufficientScopeError);
    await expect(refused).rejects.toMatchObject({
      code: "insufficient_scope",
      provider: "tasks",
      scopes: ["task:read", "task:read-write"],
    });
    // A step-up is not a broken token: nothing was refreshed and the connection still works.
    expect(sandbox.stats.refreshGrants).toBe(0);
    expect((await listTasks(made)).length).toBeGreaterThan(0);
  });

  it("the SDK's own transport around mcpAuthProvider raises it too, for the usual challenge (granted and needed)", async () => {
    await start();
    const made = host();
    await connect(made);
    const [task] = await listTasks(made, "tasks", true);
    await expect(
      callTool(made, "complete_task", { args: { id: task!.id }, ownTransport: true }),
    ).rejects.toMatchObject({
      code: "insufficient_scope",
      scopes: ["task:read", "task:read-write"],
    });
    expect(sandbox.stats.refreshGrants).toBe(0);
  });

  it("a challenge naming only the needed scope: re-consent still keeps what was granted", async () => {
    // The server names only the scope the call needs: the union is the kit's to make.
    await start({ mcpKnobs: { stepUpScopes: "needed" } });
    const made = host();
    await connect(made);
    const [task] = await listTasks(made, "tasks", true);
    const refused = callTool(made, "complete_task", { args: { id: task!.id }, ownTransport: true });
    await expect(refused).rejects.toMatchObject({
      code: "insufficient_scope",
      scopes: ["task:read-write"],
    });
    expect(sandbox.stats.refreshGrants).toBe(0);
    await connectThroughSandbox(made.app, "acme:alice", {
      provider: "tasks",
      body: { scopes: ["task:read-write"] },
    });
    expect(await made.connections.getCredential(alice)).toMatchObject({
      scopes: ["task:read", "task:read-write"],
    });
    expect((await listTasks(made, "tasks", true)).length).toBeGreaterThan(0);
  });

  it("connections.fetch() raises it too, and the JSON error carries the scopes", async () => {
    await start();
    const made = host();
    await connect(made);
    const call = connectionsFetchCall(made, "complete_task");
    const error = await call.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientScopeError);
    const response = connectionsErrorResponse(error as InsufficientScopeError);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: {
        code: "insufficient_scope",
        message: "tasks needs more access for this: task:read task:read-write",
        provider: "tasks",
        scopes: ["task:read", "task:read-write"],
      },
    });
  });

  it("re-consent asks for the union of granted and needed scopes and updates the same connection", async () => {
    await start();
    const made = host();
    await connect(made);
    const before = await made.connections.listConnections({ tenantId: "acme" });
    expect(before).toHaveLength(1);
    expect(before[0]!.scopes).toEqual(["task:read"]);

    const started = await made.app.request(
      `${MOUNT}/connect/tasks`,
      asUser("acme:alice", {
        method: "POST",
        body: JSON.stringify({ scopes: ["task:read-write"] }),
      }),
    );
    const authorizeUrl = new URL((await json(started)).authorizeUrl);
    expect(authorizeUrl.searchParams.get("scope")).toBe("task:read task:read-write");
    await connectThroughSandbox(made.app, "acme:alice", {
      provider: "tasks",
      body: { scopes: ["task:read-write"] },
    });

    const after = await made.connections.listConnections({ tenantId: "acme" });
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before[0]!.id);
    expect(after[0]!.scopes).toEqual(["task:read", "task:read-write"]);
    const [task] = await listTasks(made);
    expect(await callTool(made, "complete_task", { args: { id: task!.id } })).toMatchObject({
      id: task!.id,
      isCompleted: true,
    });
    expect(await made.connections.getCredential(alice)).toMatchObject({
      scopes: ["task:read", "task:read-write"],
    });
  });

  it("refuses scopes that are not scope tokens, or that the server does not list", async () => {
    await start();
    const made = host();
    for (const scopes of [["a b"], ["admin:everything"]]) {
      const response = await made.app.request(
        `${MOUNT}/connect/tasks`,
        asUser("acme:alice", { method: "POST", body: JSON.stringify({ scopes }) }),
      );
      expect(response.status).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }
  });
});

describe("mcpAuthProvider(connections, ) for a server added at run time", () => {
  it("finds the tenant's added server, lists and calls its tools, and hides it from other users", async () => {
    await start();
    const made = host([], { mcp: { allowPrivateNetwork: true } });
    const added = await made.app.request(
      `${MOUNT}/mcp-servers`,
      asUser("acme:alice", {
        method: "POST",
        body: JSON.stringify({ url: sandbox.url, name: "added" }),
      }),
    );
    expect(added.status).toBe(201);
    await connect(made, "added");
    expect((await listTasks(made, "added")).length).toBeGreaterThan(0);

    const bob = { provider: "added", tenantId: "acme", userId: "bob" };
    await expect(mcpAuthProvider(made.connections, bob).tokens()).rejects.toMatchObject({
      code: "unknown_provider",
    });
    await expect(mcpServerUrl(made.connections, bob)).rejects.toMatchObject({
      code: "unknown_provider",
    });
  });
});

/** A tools/call through connections.fetch(), as backend code without the SDK would send it. */
function connectionsFetchCall(made: ReturnType<typeof host>, name: string) {
  return made.connections.fetch(
    { provider: "tasks", tenantId: "acme", userId: "alice" },
    sandbox.url,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name, arguments: { id: "x" } },
      }),
    },
  );
}
