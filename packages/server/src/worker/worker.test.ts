import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { insertFlow } from "../connect/flows-repository";
import { secret } from "../providers/secret";
import { createHost } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";

const { client, store, closers } = pgliteForFile(["x_connections", "x_oauth_flows"]);

/** Every statement the kit sends while `run` runs, by the table it starts on. */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const query = vi.spyOn(client, "query");
  try {
    await run();
    return query.mock.calls.map(([text]) => {
      const verb = /^\s*(\w+)/.exec(text)?.[1] ?? "?";
      const table = /"(x_\w+)"/.exec(text)?.[1] ?? "?";
      return `${verb} ${table}`;
    });
  } finally {
    query.mockRestore();
  }
}

/** `count` rows due for refresh, each in its own tenant, under `provider`. */
async function dueRows(count: number, provider: string) {
  await client.query(
    `insert into x_connections
       (id, tenant_id, provider, visibility, owner_key, user_id, sealed, next_refresh_at)
     select 'due-' || n, 'tenant-' || n, $1, 'user', 'user-' || n, 'user-' || n,
            'xv1.never-opened', now() - interval '1 minute'
     from generate_series(1, $2::int) as n
     on conflict (id) do update set next_refresh_at = excluded.next_refresh_at`,
    [provider, count],
  );
}

let host: ReturnType<typeof createHost>;
beforeEach(() => {
  // Nothing here calls a provider: the rows name one the host does not register, or a secret.
  host = createHost({ store, sandboxUrl: "http://127.0.0.1:9" });
  closers.push(() => host.connections.close());
});
afterEach(() => vi.restoreAllMocks());

describe("a worker tick's statements", () => {
  it("claims and looks providers up in a fixed number of statements, however many rows are due", async () => {
    await host.connections.ready();
    await dueRows(10, "unregistered");
    // The first tick also sweeps spent callback state; later ones leave it for an hour.
    expect(await statementsOf(() => host.connections.worker.tick())).toEqual([
      "update x_connections",
      "select x_mcp_servers",
      "update x_connections",
      "update x_webhook_deliveries",
      "delete x_oauth_flows",
    ]);
    const perTick = [
      "update x_connections", // the due refreshes, claimed and returned whole
      "select x_mcp_servers", // one lookup for every name the host does not register
      "update x_connections", // the due health checks
      "update x_webhook_deliveries", // the due webhook deliveries
    ];
    await dueRows(10, "unregistered");
    let report: unknown;
    const ten = await statementsOf(async () => {
      report = await host.connections.worker.tick();
    });
    expect(ten).toEqual(perTick);
    expect(report).toEqual({ refreshed: 10, checked: 0, failed: 0, webhooks: 0 });
    await dueRows(100, "unregistered");
    expect(await statementsOf(() => host.connections.worker.tick())).toEqual(perTick);
  });

  it("asks the database nothing about providers when every due row is the host's own", async () => {
    await host.connections.ready();
    await host.connections.worker.tick();
    await dueRows(10, "mail-sequencer");
    let report: unknown;
    const statements = await statementsOf(async () => {
      report = await host.connections.worker.tick();
    });
    expect(statements).toEqual([
      "update x_connections",
      "update x_connections",
      "update x_webhook_deliveries",
    ]);
    // A secret needs no refresh: each claimed row is done with no further statement.
    expect(report).toEqual({ refreshed: 10, checked: 0, failed: 0, webhooks: 0 });
  });
});

function secretHost() {
  const made = createHost({
    store,
    sandboxUrl: "http://127.0.0.1:9",
    providers: [secret({ name: "mail-sequencer" })],
  });
  closers.push(() => made.connections.close());
  return made;
}

const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * minutes(60);

/** A flow row that expired `ago` ms ago (negative: still live), as POST /connect leaves one. */
async function flowExpired(id: string, ago: number, finished = false) {
  await insertFlow(await store.open(), {
    id,
    stateHash: `state-${id}`,
    tenantId: "acme",
    userId: "alice",
    provider: "attio",
    visibility: "user",
    mode: "popup",
    messageNonce: `nonce-${id}`,
    sealedSecrets: "sealed",
    expiresAt: new Date(Date.now() - ago),
    ...(finished ? { status: "success" as const, consumedAt: new Date(Date.now() - ago) } : {}),
  });
}

const flowIds = async () =>
  (await client.query<{ id: string }>("select id from x_oauth_flows order by id")).rows.map(
    (row) => row.id,
  );

describe("the worker's tick", () => {
  it("sweeps callback state that expired more than a day ago, spent or not, and keeps the rest", async () => {
    await flowExpired("live", -minutes(10));
    await flowExpired("just-expired", minutes(1));
    await flowExpired("expired-an-hour-ago", hours(1));
    await flowExpired("expired-23h-ago", hours(23));
    await flowExpired("expired-25h-ago", hours(25));
    await flowExpired("finished-a-week-ago", hours(24 * 7), true);

    await secretHost().connections.worker.tick();

    expect(await flowIds()).toEqual([
      "expired-23h-ago",
      "expired-an-hour-ago",
      "just-expired",
      "live",
    ]);
  });
});
