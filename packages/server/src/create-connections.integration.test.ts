import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConnectionRequiredError } from "./shared/errors";
import { asUser, consent, createHost, json, MOUNT } from "./testing/harness";
import { pgliteForFile } from "./testing/pglite";
import { encodingsOf, SANDBOX_TOKEN_MARKERS } from "./testing/token-encodings";

const { client, store } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  sandbox = await startSandbox();
  host = createHost({ store, sandboxUrl: sandbox.url });
  await host.connections.ready();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  host.events.length = 0;
});

async function connectAttio(user = "acme:alice", mode: "popup" | "redirect" = "popup") {
  const started = await host.app.request(
    `${MOUNT}/connect/attio`,
    asUser(user, { method: "POST", body: JSON.stringify({ mode, returnTo: "/home" }) }),
  );
  expect(started.status).toBe(200);
  const { authorizeUrl, flowId, nonce } = await json(started);
  const callback = await consent(authorizeUrl);
  const landed = await host.app.request(`${callback.pathname}${callback.search}`, asUser(user));
  return { authorizeUrl: new URL(authorizeUrl), flowId, nonce, landed, callback };
}

describe("connect through the sandbox", () => {
  it("starts with state and PKCE S256 at the exact redirect URI", async () => {
    const started = await host.app.request(
      `${MOUNT}/connect/attio`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    const { authorizeUrl } = await json(started);
    const params = new URL(authorizeUrl).searchParams;
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(params.get("state")).toMatch(/^[\w-]{43}$/);
    expect(params.get("redirect_uri")).toBe("http://localhost:3050/api/connections/callback");
  });

  it("stores a sealed connection named from /v2/self and posts the result to the app origin", async () => {
    const { landed, nonce, flowId } = await connectAttio();
    expect(landed.status).toBe(200);
    const html = await landed.text();
    expect(html).toContain(nonce);
    expect(html).toContain('"appOrigin":"http://localhost:3050"');
    expect(html).not.toMatch(/sbx_(at|rt)_/);

    const list = await host.app.request(`${MOUNT}/connections`, asUser("acme:alice"));
    const { connections } = await json(list);
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({
      provider: "attio",
      visibility: "user",
      status: "active",
      name: "Acme Sandbox",
    });
    expect(JSON.stringify(connections)).not.toMatch(/sbx_/);

    const flow = await host.app.request(`${MOUNT}/flows/${flowId}`, asUser("acme:alice"));
    expect(await json(flow)).toMatchObject({ status: "success", connectionId: connections[0].id });
    expect(host.events.map((event) => event.type)).toEqual(["connection.created"]);
  });

  it("keeps no plaintext token in the database, in any encoding", async () => {
    await connectAttio();
    const credential = await host.connections.getCredential({
      provider: "attio",
      tenantId: "acme",
      userId: "alice",
    });
    expect(credential.type).toBe("oauth2");
    const accessToken = credential.type === "oauth2" ? credential.accessToken : "";
    expect(accessToken).toMatch(/^sbx_at_/);
    const dump = JSON.stringify([
      (await client.query("select * from x_connections")).rows,
      (await client.query("select * from x_oauth_flows")).rows,
      (await client.query("select * from x_data_keys")).rows,
    ]);
    for (const encoded of [...encodingsOf(accessToken), ...SANDBOX_TOKEN_MARKERS]) {
      expect(dump).not.toContain(encoded);
    }
  });

  it("hands backend code a working token: connections.fetch reads the user's Attio tasks", async () => {
    await connectAttio();
    const response = await host.connections.fetch(
      { provider: "attio", tenantId: "acme", userId: "alice" },
      `${sandbox.url}/v2/tasks?limit=10`,
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.data).toHaveLength(10);
  });

  it("reconnecting updates the same connection instead of adding one", async () => {
    await connectAttio();
    await connectAttio();
    const rows = await host.connections.listConnections({ tenantId: "acme" });
    expect(rows).toHaveLength(1);
    expect(host.events.map((event) => event.type)).toEqual([
      "connection.created",
      "connection.reconnected",
    ]);
  });

  it("redirect mode comes back to the relative returnTo with the outcome", async () => {
    const { landed } = await connectAttio("acme:alice", "redirect");
    expect(landed.status).toBe(303);
    expect(landed.headers.get("location")).toBe("/home?x_connect=success&provider=attio");
  });

  it("a state is single use: replaying the callback is refused and changes nothing", async () => {
    const { callback } = await connectAttio();
    const replay = await host.app.request(
      `${callback.pathname}${callback.search}`,
      asUser("acme:alice"),
    );
    expect(replay.status).toBe(400);
    expect((await json(replay)).error.code).toBe("invalid_state");
    expect(await host.connections.listConnections({ tenantId: "acme" })).toHaveLength(1);
  });

  it("a callback reached by another signed-in user is refused (state bound to its user)", async () => {
    const started = await host.app.request(
      `${MOUNT}/connect/attio`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    const callback = await consent((await json(started)).authorizeUrl);
    const landed = await host.app.request(
      `${callback.pathname}${callback.search}`,
      asUser("acme:mallory"),
    );
    expect(landed.status).toBe(400);
    expect((await json(landed)).error.code).toBe("invalid_state");
    expect(await host.connections.listConnections({ tenantId: "acme" })).toHaveLength(0);
  });

  it("denied consent ends the flow with consent_denied and no connection", async () => {
    const started = await host.app.request(
      `${MOUNT}/connect/attio`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    const { authorizeUrl, flowId } = await json(started);
    const callback = await consent(authorizeUrl, "deny");
    await host.app.request(`${callback.pathname}${callback.search}`, asUser("acme:alice"));
    const flow = await host.app.request(`${MOUNT}/flows/${flowId}`, asUser("acme:alice"));
    expect(await json(flow)).toMatchObject({ status: "error", error: { code: "consent_denied" } });
    expect(await host.connections.listConnections({ tenantId: "acme" })).toHaveLength(0);
  });

  it("getUserConnection never returns null: it throws ConnectionRequiredError", async () => {
    await expect(
      host.connections.getUserConnection({ provider: "attio", tenantId: "acme", userId: "bob" }),
    ).rejects.toBeInstanceOf(ConnectionRequiredError);
  });

  it("disconnect revokes the grant at the provider, then deletes, with both events", async () => {
    await connectAttio();
    const credential = await host.connections.getCredential({
      provider: "attio",
      tenantId: "acme",
      userId: "alice",
    });
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    const revocationsBefore = sandbox.stats.revocations;
    const deleted = await host.app.request(
      `${MOUNT}/connections/${connection!.id}`,
      asUser("acme:alice", { method: "DELETE" }),
    );
    expect(deleted.status).toBe(204);
    expect(sandbox.stats.revocations - revocationsBefore).toBe(1);
    expect(host.events.map((event) => event.type).slice(-2)).toEqual([
      "connection.revoked",
      "connection.deleted",
    ]);
    const token = credential.type === "oauth2" ? credential.accessToken : "";
    const self = await fetch(`${sandbox.url}/v2/self`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(self.status).toBe(401);
    expect(await host.connections.listConnections({ tenantId: "acme" })).toHaveLength(0);
  });
});
