import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outageProxy } from "../testing/outage-proxy";
import { createScratchDatabase } from "../testing/postgres";
import { createPostgresStore } from "./postgres-store";
import { describeStore, journalLength } from "./store.contract";
import { isStoreUnavailable } from "./unavailable";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let store: ReturnType<typeof createPostgresStore>;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  store = createPostgresStore({ url: scratch.url, max: 4 });
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

describe("createPostgresStore", () => {
  it("instances starting together migrate once between them", async () => {
    const instances = Array.from({ length: 4 }, () =>
      createPostgresStore({ url: scratch.url, max: 1 }),
    );
    await Promise.all(instances.map((instance) => instance.open()));
    await Promise.all(instances.map((instance) => instance.close()));
    const [row] = await store.sql<{ count: number }[]>`
      select count(*)::int as count from x_connections_migrations`;
    expect(row?.count).toBe(journalLength());
  });

  it("stops the start with a clear error, without the password, when the database is unreachable", async () => {
    const unreachable = createPostgresStore({ url: "postgres://user:hunter2@127.0.0.1:1/none" });
    const failure = unreachable.open();
    await expect(failure).rejects.toThrow(
      /migrating PostgreSQL at postgres:\/\/user:\*\*\*@127\.0\.0\.1:1\/none failed/,
    );
    await expect(failure).rejects.not.toThrow(/hunter2/);
    await unreachable.close();
  });

  // The test's timeout is the claim: postgres.js alone would still be waiting out a reconnect
  // delay of 10 to 20 s when PostgreSQL comes back after this many failures.
  it("after an outage the same store answers queries and hears notifications again, without waiting out a long reconnect delay", {
    timeout: 10_000,
  }, async () => {
    const proxy = await outageProxy(new URL(scratch.url));
    const outage = createPostgresStore({ url: proxy.url, max: 1 });
    try {
      await outage.open();
      const heard: string[] = [];
      await outage.listen("x_outage_test", (payload) => heard.push(payload));

      proxy.down();
      for (let failure = 0; failure < 7; failure++) {
        const error = await outage.sql`select 1`.then(
          () => new Error("answered while the database was away"),
          (reason: unknown) => reason,
        );
        expect(isStoreUnavailable(error)).toBe(true);
      }

      await proxy.up();
      expect(await outage.sql`select 1 as one`).toEqual([{ one: 1 }]);
      // LISTEN re-subscribes on a connection of its own; notify until it has.
      while (heard.length === 0) {
        await store.sql`select pg_notify('x_outage_test', 'back')`;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(heard[0]).toBe("back");
    } finally {
      await outage.close();
      await proxy.close();
    }
  });

  it("a subscription back after an outage says notifications were missed; the first one does not", async () => {
    const proxy = await outageProxy(new URL(scratch.url));
    const outage = createPostgresStore({ url: proxy.url, max: 1 });
    try {
      const heard: string[] = [];
      let missed = 0;
      await outage.listen(
        "x_missed_test",
        (payload) => heard.push(payload),
        () => {
          missed += 1;
        },
      );
      expect(missed).toBe(0);

      proxy.down();
      await store.sql`select pg_notify('x_missed_test', 'while away')`;
      await proxy.up();
      while (!heard.includes("back")) {
        await store.sql`select pg_notify('x_missed_test', 'back')`;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Told by the time anything notified after the loss arrives.
      expect(missed).toBeGreaterThan(0);
      expect(heard).not.toContain("while away");
    } finally {
      await outage.close();
      await proxy.close();
    }
  });
});
