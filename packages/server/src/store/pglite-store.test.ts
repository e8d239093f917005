import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { createPgliteStore } from "./pglite-store";
import { describeStore, journalLength } from "./store.contract";

const client = new PGlite();
const store = createPgliteStore({ client });

afterAll(() => client.close());

describeStore("pglite", {
  store: () => store,
  reset: async () => {
    await store.open();
    await client.exec(
      "delete from x_connections; delete from x_oauth_flows; delete from x_data_keys;",
    );
  },
});

describe("createPgliteStore", () => {
  it("migrates once: opening the same database again applies nothing twice", async () => {
    await store.open();
    await createPgliteStore({ client }).open();
    const applied = await client.query<{ count: number }>(
      "select count(*)::int as count from x_connections_migrations",
    );
    expect(applied.rows[0]?.count).toBe(journalLength());
  });

  it("keeps its data in a folder across restarts", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "x-pglite-")), "data");
    const first = createPgliteStore({ dir });
    await (await first.open()).execute(
      "insert into x_data_keys (tenant_id, kek_version, wrapped) values ('t', 'v1', 'AA==')",
    );
    await first.close();
    const second = createPgliteStore({ dir });
    const rows = (await (await second.open()).execute("select tenant_id from x_data_keys")) as {
      rows: { tenant_id: string }[];
    };
    expect(rows.rows.map((row) => row.tenant_id)).toEqual(["t"]);
    await second.close();
    // Two PGlite starts from disk: slow on a loaded two-core machine.
  }, 60_000);

  it("stops the start with a clear error when a migration fails", async () => {
    const broken = new PGlite();
    await broken.exec("create table x_connections (id int)");
    await expect(createPgliteStore({ client: broken }).open()).rejects.toThrow(
      /migrating the PGlite store failed: .*x_connections/,
    );
    await broken.close();
  });
});
