import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  asUser,
  connectThroughSandbox,
  createHost,
  json,
  MOUNT,
  sandboxAttio,
} from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";

// Step-up on an ordinary OAuth provider: which scopes a page may add, and which connection's
// grant the union starts from.

const { client, store } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  sandbox = await startSandbox();
  host = createHost({
    store,
    sandboxUrl: sandbox.url,
    providers: [
      sandboxAttio(sandbox.url, {
        scopes: ["task:read"],
        extraScopes: ["task:read-write", "note:read"],
      }),
    ],
  });
  await host.connections.ready();
});

afterAll(async () => {
  await host.connections.close();
  await sandbox.close();
});

beforeEach(() => {
  sandbox.knobs.returnScope = true;
});

const startConnect = (user: string, body: Record<string, unknown>) =>
  host.app.request(
    `${MOUNT}/connect/attio`,
    asUser(user, { method: "POST", body: JSON.stringify(body) }),
  );

const scopeAsked = async (response: Response) =>
  new URL((await json(response)).authorizeUrl).searchParams.get("scope");

const flowCount = async () =>
  (await client.query<{ n: number }>("select count(*)::int as n from x_oauth_flows")).rows[0]?.n;

describe("POST /connect/:provider { scopes }", () => {
  it("refuses a scope the provider is not set up to ask for, and starts no flow", async () => {
    for (const scopes of [["admin:everything"], ["task:read-write", "list:read-write"]]) {
      const response = await startConnect("acme:alice", { scopes });
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatchObject({
        code: "invalid_request",
        provider: "attio",
      });
    }
    expect(await flowCount()).toBe(0);
  });

  it("adds an allowed scope to what the user's connection holds, and updates that connection", async () => {
    await connectThroughSandbox(host.app, "acme:alice");
    const [before] = await host.connections.listConnections({ tenantId: "acme" });
    expect(before?.scopes).toEqual(["task:read"]);
    expect(await scopeAsked(await startConnect("acme:alice", { scopes: ["note:read"] }))).toBe(
      "task:read note:read",
    );
    await connectThroughSandbox(host.app, "acme:alice", { body: { scopes: ["note:read"] } });
    const after = await host.connections.listConnections({ tenantId: "acme" });
    expect(after).toEqual([
      expect.objectContaining({ id: before?.id, scopes: ["task:read", "note:read"] }),
    ]);
  });

  it("a member served by the workspace connection gets their own, holding its scopes too", async () => {
    await connectThroughSandbox(host.app, "acme:ada:admin", {
      body: { visibility: "workspace", scopes: ["task:read-write"] },
    });
    // The member cannot change the workspace's grant…
    const refused = await startConnect("acme:bob", {
      visibility: "workspace",
      scopes: ["note:read"],
    });
    expect(refused.status).toBe(403);
    // …so their step-up starts from the grant they were using, and makes their own connection.
    expect(await scopeAsked(await startConnect("acme:bob", { scopes: ["note:read"] }))).toBe(
      "task:read task:read-write note:read",
    );
    await connectThroughSandbox(host.app, "acme:bob", { body: { scopes: ["note:read"] } });
    const rows = await host.connections.listConnections({ tenantId: "acme" });
    expect(rows.map((row) => [row.visibility, row.scopes])).toEqual(
      expect.arrayContaining([
        ["workspace", ["task:read", "task:read-write"]],
        ["user", ["task:read", "task:read-write", "note:read"]],
      ]),
    );
  });

  it("records the scopes asked for when the token response leaves `scope` out (RFC 6749 §5.1)", async () => {
    sandbox.knobs.returnScope = false;
    await connectThroughSandbox(host.app, "acme:alice", { body: { scopes: ["note:read"] } });
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    expect(connection?.scopes).toEqual(["task:read", "note:read"]);
  });
});
