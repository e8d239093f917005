import { describe, expect, it } from "vitest";
import { insertFlow } from "../connect/flows-repository";
import { secret } from "../providers/secret";
import { createHost } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";

const { client, store, closers } = pgliteForFile(["x_oauth_flows"]);

function host() {
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

    await host().connections.worker.tick();

    expect(await flowIds()).toEqual([
      "expired-23h-ago",
      "expired-an-hour-ago",
      "just-expired",
      "live",
    ]);
  });
});
