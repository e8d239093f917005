import type postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../testing/postgres";
import { postgresStore } from "./postgres-store";
import type { Store } from "./store";
import { describeStore, journalLength } from "./store.contract";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let store: Store & { sql: postgres.Sql };

beforeAll(async () => {
  scratch = await createScratchDatabase();
  store = postgresStore({ url: scratch.url, max: 4 });
});

afterAll(async () => {
  await store?.close();
  await scratch?.drop();
});

describeStore("postgres", {
  store: () => store,
  reset: async () => {
    await store.open();
    await store.sql`delete from x_connections`;
    await store.sql`delete from x_oauth_flows`;
    await store.sql`delete from x_data_keys`;
  },
});

describe("postgresStore", () => {
  it("instances starting together migrate once between them", async () => {
    const instances = Array.from({ length: 4 }, () => postgresStore({ url: scratch.url, max: 1 }));
    await Promise.all(instances.map((instance) => instance.open()));
    await Promise.all(instances.map((instance) => instance.close()));
    const [row] = await store.sql<{ count: number }[]>`
      select count(*)::int as count from x_connections_migrations`;
    expect(row?.count).toBe(journalLength());
  });

  it("stops the start with a clear error, without the password, when the database is unreachable", async () => {
    const unreachable = postgresStore({ url: "postgres://user:hunter2@127.0.0.1:1/none" });
    const failure = unreachable.open();
    await expect(failure).rejects.toThrow(
      /migrating PostgreSQL at postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/none failed/,
    );
    await expect(failure).rejects.not.toThrow(/hunter2/);
    await unreachable.close();
  });
});
