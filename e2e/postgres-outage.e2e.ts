import { randomBytes } from "node:crypto";
import { answerConsent, type Sandbox, startSandbox } from "@x/sandbox";
import { attio, createConnections, postgresStore } from "@x/server";
import { Hono } from "hono";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensurePostgresUp, stopPostgres } from "./reliability/support/postgres-server";
import { createScratchDatabase } from "./support/scratch-database";

let sandbox: Sandbox;
let database: ReturnType<typeof createScratchDatabase>;
let connections: ReturnType<typeof createConnections>;
const app = new Hono();
const headers = (user: string) => ({
  "x-test-user": user,
  "x-connect-request": "1",
  "content-type": "application/json",
});

beforeAll(async () => {
  sandbox = await startSandbox();
  database = createScratchDatabase();
  connections = createConnections({
    baseUrl: "http://localhost:3050",
    store: postgresStore({ url: database.url, max: 4 }),
    vault: { keys: `v1:${randomBytes(32).toString("base64")}` },
    providers: [
      attio({
        clientId: "taskr-sandbox",
        clientSecret: "taskr-sandbox-secret",
        endpoints: {
          authorizationEndpoint: `${sandbox.url}/authorize`,
          tokenEndpoint: `${sandbox.url}/oauth/token`,
          revocationEndpoint: `${sandbox.url}/oauth/revoke`,
          identityUrl: `${sandbox.url}/v2/self`,
        },
        apiOrigins: [sandbox.url],
      }),
    ],
    identify: (c) => {
      const [tenantId, userId] = (c.req.header("x-test-user") ?? "").split(":");
      return tenantId && userId ? { tenantId, userId } : null;
    },
  });
  await connections.ready();
  app.route("/api/connections", connections.routes);
});

afterAll(async () => {
  // Whatever happened in the test, leave PostgreSQL running for everything after it.
  await ensurePostgresUp();
  await connections?.close();
  await sandbox?.close();
  database?.drop();
});

async function connect(user: string): Promise<number> {
  const started = await app.request("/api/connections/connect/attio", {
    method: "POST",
    headers: headers(user),
    body: "{}",
  });
  if (started.status !== 200) return started.status;
  const { authorizeUrl } = (await started.json()) as { authorizeUrl: string };
  const callback = await answerConsent(authorizeUrl);
  return (await app.request(`${callback.pathname}${callback.search}`, { headers: headers(user) }))
    .status;
}

it("PostgreSQL stopped and restarted: clear 503s meanwhile, warm tokens still served, recovery without a restart, nothing lost", async () => {
  expect(await connect("acme:alice")).toBe(200);
  const alice = { provider: "attio", tenantId: "acme", userId: "alice" };
  // The connect's NOTIFY arrives on its own time; a read it overlaps is (rightly) not cached.
  // Once it is in, a read stays warm through the outage.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await connections.getCredential(alice);

  await stopPostgres();
  const listed = await app.request("/api/connections/connections", {
    headers: headers("acme:alice"),
  });
  expect(listed.status).toBe(503);
  expect(await listed.json()).toEqual({
    error: {
      code: "store_unavailable",
      message: "The connections database is unavailable right now; try again shortly",
    },
  });
  expect(await connect("acme:bob")).toBe(503);
  // A warm credential needs no database: backend calls keep working through the outage.
  expect(await connections.getCredential(alice)).toEqual(before);

  await ensurePostgresUp();
  let status = 0;
  for (let attempt = 0; attempt < 60 && status !== 200; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    status = (await app.request("/api/connections/connections", { headers: headers("acme:alice") }))
      .status;
  }
  expect(status).toBe(200);
  expect(await connect("acme:bob")).toBe(200);
  const rows = await connections.listConnections({ tenantId: "acme" });
  expect(rows.map((row) => row.userId).sort()).toEqual(["alice", "bob"]);
  expect(await connections.getCredential(alice)).toEqual(before);
});
