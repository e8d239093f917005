import { type Sandbox, startSandbox } from "@x/sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStore } from "../store/postgres-store";
import { connectThroughSandbox, createHost } from "../testing/harness";
import { type OutageProxy, outageProxy } from "../testing/outage-proxy";
import { createScratchDatabase } from "../testing/postgres";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let proxy: OutageProxy;
let sandbox: Sandbox;
/** Another instance's view: straight to PostgreSQL, while this instance's goes through the proxy. */
let elsewhere: ReturnType<typeof createPostgresStore>;
let proxied: ReturnType<typeof createPostgresStore>;
let host: ReturnType<typeof createHost>;
const alice = { provider: "attio", tenantId: "acme", userId: "alice" };
/** Every payload this instance's LISTEN connection delivers (the change feed shares it). */
const heard: string[] = [];

beforeAll(async () => {
  scratch = await createScratchDatabase();
  proxy = await outageProxy(new URL(scratch.url));
  sandbox = await startSandbox();
  elsewhere = createPostgresStore({ url: scratch.url, max: 1 });
  await elsewhere.open();
  proxied = createPostgresStore({ url: proxy.url, max: 2 });
  host = createHost({ store: proxied, sandboxUrl: sandbox.url });
  await host.connections.ready();
  expect((await connectThroughSandbox(host.app, "acme:alice")).status).toBe(200);
  await proxied.listen("x_connections", (payload) => heard.push(payload));
  // The connect's own NOTIFY must be in before a test caches a read: arriving during that read,
  // it would (rightly) keep the result out of the cache.
  await probeHeard();
});

afterAll(async () => {
  await host?.connections.close();
  await elsewhere?.close();
  await proxy?.close();
  await sandbox?.close();
  await scratch?.drop();
});

/** Returns once this instance hears a NOTIFY sent now, so every earlier one is in too. */
async function probeHeard() {
  const probe = `probe ${heard.length}`;
  while (!heard.includes(probe)) {
    await elsewhere.sql`select pg_notify('x_connections', ${probe})`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Cuts this instance off, runs `meanwhile` elsewhere, and returns once its LISTEN is back. */
async function outage(meanwhile: () => Promise<unknown> = async () => {}) {
  proxy.down();
  await meanwhile();
  await proxy.up();
  await probeHeard();
}

it("a warm credential not yet read again after LISTEN came back is still served while the database is away", async () => {
  const before = await host.connections.getCredential(alice);
  await outage();
  proxy.down();
  try {
    expect(await host.connections.getCredential(alice)).toEqual(before);
  } finally {
    await proxy.up();
  }
});

it("a connection removed while this instance's LISTEN was down is not served from memory once LISTEN is back", async () => {
  await host.connections.getCredential(alice);
  // Disconnected on another instance: the NOTIFY never reaches this one.
  await outage(() => elsewhere.sql`delete from x_connections where tenant_id = 'acme'`);
  await expect(host.connections.getCredential(alice)).rejects.toMatchObject({
    code: "connection_required",
  });
  // Once the database has said so, an outage must not bring the old token back.
  proxy.down();
  try {
    await expect(host.connections.getCredential(alice)).rejects.toMatchObject({
      code: expect.stringMatching(/^(connection_required|store_unavailable)$/),
    });
  } finally {
    await proxy.up();
  }
});
