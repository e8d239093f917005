import { beforeAll, describe, expect, it } from "vitest";
import { asUser, createHost, json, MOUNT } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";

// Who may touch what, and which requests a foreign page can make the browser send. Nothing here
// reaches a provider, so no sandbox: the attio record points at a closed port.

const { client, store } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  host = createHost({ store, sandboxUrl: "http://127.0.0.1:9" });
  await host.connections.ready();
  return () => host.connections.close();
});

const request = (user: string, path: string, init: RequestInit = {}) =>
  host.app.request(`${MOUNT}${path}`, asUser(user, init));

async function saveSecret(user: string, body: object = {}) {
  const response = await request(user, "/connections", {
    method: "POST",
    body: JSON.stringify({ provider: "mail-sequencer", secret: "ms-key-1", ...body }),
  });
  expect([200, 201]).toContain(response.status);
  return (await json(response)).connection as { id: string; name: string };
}

async function rows() {
  const sql = "select id, name, tenant_id from x_connections order by id";
  return (await client.query<{ id: string; name: string; tenant_id: string }>(sql)).rows;
}

describe("cross-user and cross-tenant access", () => {
  it("user B can neither list, rename, delete, check nor read the flow of user A", async () => {
    const mine = await saveSecret("acme:alice");
    const started = await request("acme:alice", "/connect/attio", { method: "POST", body: "{}" });
    const { flowId } = await json(started);
    const before = await rows();

    for (const intruder of ["acme:bob", "acme:bob:admin", "globex:alice", "globex:alice:admin"]) {
      const listed = await json(await request(intruder, "/connections"));
      expect(listed.connections).toEqual([]);
      const attempts = [
        request(intruder, `/connections/${mine.id}`, {
          method: "PATCH",
          body: JSON.stringify({ name: "Mine now" }),
        }),
        request(intruder, `/connections/${mine.id}`, { method: "DELETE" }),
        request(intruder, `/connections/${mine.id}/check`, { method: "POST" }),
        request(intruder, `/flows/${flowId}`),
      ];
      for (const response of await Promise.all(attempts)) {
        expect(response.status).toBe(404);
        expect((await json(response)).error.code).toBe("not_found");
      }
    }
    expect(await rows()).toEqual(before);
    expect((await request("acme:alice", `/flows/${flowId}`)).status).toBe(200);
  });

  it("a tenant's workspace connection is shared inside the tenant and invisible outside it", async () => {
    const shared = await saveSecret("acme:root:admin", { visibility: "workspace" });
    const inside = await json(await request("acme:bob", "/connections"));
    expect(inside.connections.map((c: { id: string }) => c.id)).toEqual([shared.id]);
    const outside = await json(await request("globex:root:admin", "/connections"));
    expect(outside.connections).toEqual([]);
    const taken = await request("globex:root:admin", `/connections/${shared.id}`, {
      method: "DELETE",
    });
    expect(taken.status).toBe(404);
    expect(await rows()).toHaveLength(1);
  });

  it("a non-admin cannot create, rename or delete a workspace connection", async () => {
    const created = await request("acme:bob", "/connections", {
      method: "POST",
      body: JSON.stringify({ provider: "mail-sequencer", secret: "x", visibility: "workspace" }),
    });
    expect(created.status).toBe(403);
    expect((await json(created)).error.code).toBe("forbidden");
    const connect = await request("acme:bob", "/connect/attio", {
      method: "POST",
      body: JSON.stringify({ visibility: "workspace" }),
    });
    expect(connect.status).toBe(403);
    expect(await rows()).toHaveLength(0);

    const shared = await saveSecret("acme:root:admin", { visibility: "workspace", name: "Team" });
    const renamed = await request("acme:bob", `/connections/${shared.id}`, {
      method: "PATCH",
      body: JSON.stringify({ name: "Bob's" }),
    });
    const deleted = await request("acme:bob", `/connections/${shared.id}`, { method: "DELETE" });
    for (const response of [renamed, deleted]) {
      expect(response.status).toBe(403);
      expect((await json(response)).error.code).toBe("forbidden");
    }
    expect((await rows()).map((row) => row.name)).toEqual(["Team"]);
  });

  it("answers 401 unauthenticated to a request with no signed-in user", async () => {
    for (const path of ["/providers", "/connections", "/flows/any"]) {
      const response = await host.app.request(`${MOUNT}${path}`);
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe("unauthenticated");
    }
  });
});

describe("JSON CSRF (RFC 9700 §2.1 asks it of the redirect endpoint; the JSON routes need it too)", () => {
  it("refuses every state-changing route without X-Connect-Request or from a foreign Origin", async () => {
    const mine = await saveSecret("acme:alice:admin");
    const routes: Array<[string, string, string]> = [
      ["POST", "/connect/attio", "{}"],
      ["POST", "/connections", JSON.stringify({ provider: "mail-sequencer", secret: "x2" })],
      ["PATCH", `/connections/${mine.id}`, JSON.stringify({ name: "Forged" })],
      ["DELETE", `/connections/${mine.id}`, ""],
      ["POST", `/connections/${mine.id}/check`, ""],
    ];
    const forgeries: Array<Record<string, string>> = [
      {},
      { "x-connect-request": "0" },
      { "x-connect-request": "1", origin: "https://evil.example" },
      { "x-connect-request": "1", origin: "null" },
      { "x-connect-request": "1", origin: "http://localhost:3050.evil.example" },
    ];
    for (const [method, path, body] of routes) {
      for (const headers of forgeries) {
        const response = await host.app.request(`${MOUNT}${path}`, {
          method,
          headers: {
            "x-test-user": "acme:alice:admin",
            "content-type": "application/json",
            ...headers,
          },
          ...(body ? { body } : {}),
        });
        expect(response.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect((await json(response)).error.code).toBe("csrf_rejected");
      }
    }
    expect((await rows()).map((row) => row.name)).toEqual([mine.name]);
    const flows = await client.query("select id from x_oauth_flows");
    expect(flows.rows).toHaveLength(0);

    const sameOrigin = await host.app.request(`${MOUNT}/connections/${mine.id}`, {
      method: "PATCH",
      headers: {
        "x-test-user": "acme:alice:admin",
        "x-connect-request": "1",
        origin: "http://localhost:3050",
      },
      body: JSON.stringify({ name: "Mine" }),
    });
    expect(sameOrigin.status).toBe(200);
  });
});

describe("clickjacking of the start route (RFC 9700 §4.16)", () => {
  it("cannot be started by a cross-site form or a framed link: POST with a custom header only", async () => {
    const form = await host.app.request(`${MOUNT}/connect/attio`, {
      method: "POST",
      headers: {
        "x-test-user": "acme:alice",
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
      },
      body: "mode=redirect",
    });
    expect(form.status).toBe(403);
    const link = await host.app.request(`${MOUNT}/connect/attio`, asUser("acme:alice"));
    expect(link.status).toBe(404);
    expect((await json(link)).error.code).toBe("not_found");
    expect((await client.query("select id from x_oauth_flows")).rows).toHaveLength(0);
  });

  it("marks every response of the kit as unframeable and not to be sniffed", async () => {
    for (const path of ["/providers", "/connections", "/openapi.json", "/nowhere"]) {
      const response = await request("acme:alice", path);
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });
});
