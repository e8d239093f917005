import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ReauthRequiredError } from "../shared/errors";
import { createPgliteStore } from "../store/pglite-store";
import { connectThroughSandbox, createHost, makeConnectionsDue } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";

const alice = { provider: "attio", tenantId: "acme", userId: "alice" };
const { client, store, closers } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  sandbox = await startSandbox();
  host = createHost({
    store,
    sandboxUrl: sandbox.url,
    settings: { providerTimeoutMs: 500, refreshLeaseMs: 2_000 },
  });
  await host.connections.ready();
});

afterAll(async () => {
  await host.connections.close();
  await sandbox.close();
});

beforeEach(() => {
  Object.assign(sandbox.knobs, {
    accessTokenTtlSeconds: 3600,
    rotateRefreshToken: true,
    latencyMs: 0,
    failNextToken: null,
  });
  host.events.length = 0;
});

afterEach(() => {
  sandbox.knobs.latencyMs = 0;
});

async function connectWithTtl(ttlSeconds: number) {
  sandbox.knobs.accessTokenTtlSeconds = ttlSeconds;
  await connectThroughSandbox(host.app, "acme:alice");
  const stats = { ...sandbox.stats };
  return stats;
}

async function connectDueForRefresh() {
  const stats = await connectWithTtl(3600);
  await makeDue();
  return stats;
}

const makeDue = () => makeConnectionsDue(client);

const accessTokenOf = async () => {
  const credential = await host.connections.getCredential(alice);
  if (credential.type !== "oauth2") throw new Error("expected OAuth");
  return credential.accessToken;
};

/** After makeDue(), the next token a read returns: the update's NOTIFY evicts the warm copy. */
async function nextRefreshedToken(previous: string): Promise<string> {
  await makeDue();
  let seen = await accessTokenOf();
  for (let attempt = 0; attempt < 50 && seen === previous; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    seen = await accessTokenOf();
  }
  return seen;
}

describe("refresh", () => {
  it("serves a warm token from memory without asking the provider", async () => {
    const before = await connectWithTtl(3600);
    const first = await accessTokenOf();
    const again = await Promise.all(Array.from({ length: 20 }, accessTokenOf));
    expect(new Set(again)).toEqual(new Set([first]));
    expect(sandbox.stats.refreshGrants).toBe(before.refreshGrants);
  });

  it("refreshes a token that is about to expire once for 50 concurrent callers, all of whom get it", async () => {
    const before = await connectDueForRefresh();
    const tokens = await Promise.all(Array.from({ length: 50 }, accessTokenOf));
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(host.events.filter((event) => event.type === "connection.refreshed")).toHaveLength(1);
  });

  it.each([
    [
      true,
      "stores a rotated refresh token before handing out the access token, so the next refresh works",
    ],
    [false, "keeps the old refresh token when the answer brings none"],
  ])("rotating %s: %s", async (rotate) => {
    sandbox.knobs.rotateRefreshToken = rotate;
    const before = await connectDueForRefresh();
    const first = await accessTokenOf();
    const second = await nextRefreshedToken(first);
    expect(second).not.toBe(first);
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(2);
    expect((await host.connections.listConnections({ tenantId: "acme" }))[0]?.status).toBe(
      "active",
    );
  });

  it("serves a token that lives shorter than the skew from memory, not refreshing it on every read", async () => {
    const before = await connectWithTtl(120);
    const tokens = [];
    for (let read = 0; read < 5; read++) tokens.push(await accessTokenOf());
    expect(new Set(tokens).size).toBe(1);
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(0);
  });

  it("refreshes a short-lived token once it is past half its life", async () => {
    // Two seconds of life under a five-minute skew: due after one second (less jitter).
    const before = await connectWithTtl(2);
    const first = await accessTokenOf();
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await accessTokenOf()).not.toBe(first);
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(1);
  });

  it("a 500 keeps serving the still-valid token and never marks the connection failed", async () => {
    await connectDueForRefresh();
    const [row] = (await client.query<{ sealed: string }>("select sealed from x_connections")).rows;
    sandbox.knobs.failNextToken = { status: 500, body: { error: "server_error" } };
    const token = await accessTokenOf();
    expect(token).toMatch(/^sbx_at_/);
    const [after] = (
      await client.query<{
        status: string;
        refresh_failures: number;
        sealed: string;
        next_refresh_at: Date;
      }>("select status, refresh_failures, sealed, next_refresh_at from x_connections")
    ).rows;
    expect(after).toMatchObject({ status: "active", refresh_failures: 1, sealed: row!.sealed });
    expect(after!.next_refresh_at.getTime()).toBeGreaterThan(Date.now());
    expect(host.events.some((event) => event.type === "connection.auth_failed")).toBe(false);
  });

  it("a timeout is treated like a 5xx: the old token, no failure state", async () => {
    const before = await connectDueForRefresh();
    const [row] = (await client.query<{ sealed: string }>("select sealed from x_connections")).rows;
    sandbox.knobs.latencyMs = 1_500;
    const token = await accessTokenOf();
    expect(token).toMatch(/^sbx_at_/);
    const [after] = (await client.query<{ sealed: string }>("select sealed from x_connections"))
      .rows;
    expect(after?.sealed).toBe(row!.sealed);
    sandbox.knobs.latencyMs = 0;
    const connection = (await host.connections.listConnections({ tenantId: "acme" }))[0];
    expect(connection?.status).toBe("active");
    // The sandbox still answers the abandoned request after its latency: let it, so the next
    // test's counters start clean.
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect(sandbox.stats.tokenRequests - before.tokenRequests).toBe(1);
  });

  it("invalid_grant marks the connection auth_failed, emits the event, and asks for a reconnect", async () => {
    await connectDueForRefresh();
    sandbox.knobs.failNextToken = { status: 400, body: { error: "invalid_grant" } };
    await expect(host.connections.getCredential(alice)).rejects.toBeInstanceOf(ReauthRequiredError);
    const connection = (await host.connections.listConnections({ tenantId: "acme" }))[0];
    expect(connection?.status).toBe("auth_failed");
    expect(connection?.authFailedAt).not.toBeNull();
    expect(host.events.map((event) => event.type)).toContain("connection.auth_failed");
    await expect(host.connections.getCredential(alice)).rejects.toBeInstanceOf(ReauthRequiredError);

    await connectThroughSandbox(host.app, "acme:alice");
    const recovered = host.events.find((event) => event.type === "connection.reconnected");
    expect(recovered?.recovered).toBe(true);
    expect((await host.connections.listConnections({ tenantId: "acme" }))[0]?.status).toBe(
      "active",
    );
  });

  it("fetch refreshes once on a 401 and retries once", async () => {
    const before = await connectWithTtl(3600);
    await accessTokenOf();
    sandbox.expireAccessTokens();
    const response = await host.connections.fetch(alice, `${sandbox.url}/v2/tasks?limit=10`);
    expect(response.status).toBe(200);
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(1);
  });
});

describe("worker", () => {
  it("refreshes a token due in 2 minutes before anyone asks for it", async () => {
    const before = await connectDueForRefresh();
    const report = await host.connections.worker.tick();
    expect(report.refreshed).toBe(1);
    expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(1);
    expect(await host.connections.worker.tick()).toMatchObject({ refreshed: 0 });
  });

  it("finds a token revoked at the provider through the health check and marks it auth_failed", async () => {
    await connectWithTtl(3600);
    await client.query("update x_connections set next_check_at = now() - interval '1 second'");
    sandbox.revokeAll();
    const report = await host.connections.worker.tick();
    expect(report.failed).toBe(1);
    const connection = (await host.connections.listConnections({ tenantId: "acme" }))[0];
    expect(connection?.status).toBe("auth_failed");
    expect(host.events.map((event) => event.type)).toContain("connection.auth_failed");
  });
});

describe("instances sharing one database", () => {
  /** Two more instances on the same database, with a lease far shorter than the provider's wait. */
  async function shortLeaseHosts() {
    const settings = { providerTimeoutMs: 3_000, refreshLeaseMs: 300 };
    const made = [1, 2].map(() =>
      createHost({ store: createPgliteStore({ client }), sandboxUrl: sandbox.url, settings }),
    );
    for (const other of made) await other.connections.ready();
    return made;
  }

  const leaseOwner = async () =>
    (await client.query<{ lease_owner: string | null }>("select lease_owner from x_connections"))
      .rows[0]?.lease_owner ?? null;

  it("a live holder slower than its lease keeps it by renewing: one token request for both instances", async () => {
    const [holder, waiter] = await shortLeaseHosts();
    try {
      const before = await connectDueForRefresh();
      sandbox.knobs.latencyMs = 1_200;
      const held = holder!.connections.getCredential(alice);
      while ((await leaseOwner()) === null) await new Promise((resolve) => setTimeout(resolve, 10));
      const waited = waiter!.connections.getCredential(alice);
      const [first, second] = await Promise.all([held, waited]);
      expect(first.type === "oauth2" && first.accessToken).toBe(
        second.type === "oauth2" && second.accessToken,
      );
      expect(sandbox.stats.tokenRequests - before.tokenRequests).toBe(1);
      expect(await leaseOwner()).toBeNull();
    } finally {
      await Promise.all([holder!.connections.close(), waiter!.connections.close()]);
    }
  });

  it("a lease left by a holder that is gone is taken over once it lapses", async () => {
    const [survivor] = await shortLeaseHosts();
    try {
      const before = await connectDueForRefresh();
      await client.query(
        "update x_connections set lease_owner = 'gone', lease_expires_at = now() + interval '300 milliseconds'",
      );
      const refreshed = await survivor!.connections.getCredential(alice);
      expect(refreshed.type === "oauth2" && refreshed.accessToken).toMatch(/^sbx_at_/);
      expect(sandbox.stats.refreshGrants - before.refreshGrants).toBe(1);
      expect(await leaseOwner()).toBeNull();
    } finally {
      await survivor!.connections.close();
    }
  });

  it("a refresh by one instance evicts the others' warm copy at once (LISTEN/NOTIFY)", async () => {
    // Its own store on the same PGlite, as a second instance has: its own LISTEN.
    const other = createHost({ store: createPgliteStore({ client }), sandboxUrl: sandbox.url });
    closers.push(() => other.connections.close());
    await other.connections.ready();
    await connectWithTtl(3600);
    const warm = await accessTokenOf();
    const otherFirst = await other.connections.getCredential(alice);
    expect(otherFirst.type === "oauth2" && otherFirst.accessToken).toBe(warm);

    sandbox.expireAccessTokens();
    const refreshed = await other.connections.fetch(alice, `${sandbox.url}/v2/self`);
    expect(refreshed.status).toBe(200);
    const fresh = await other.connections.getCredential(alice);
    const freshToken = fresh.type === "oauth2" ? fresh.accessToken : "";
    expect(freshToken).not.toBe(warm);

    let seen = await accessTokenOf();
    for (let attempt = 0; attempt < 50 && seen !== freshToken; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen = await accessTokenOf();
    }
    expect(seen).toBe(freshToken);
  });
});
