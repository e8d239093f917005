import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { pgliteForFile } from "../testing/pglite";
import { createPgliteStore } from "./pglite-store";
import { describeStore, journalLength } from "./store.contract";

const { client, store } = pgliteForFile(["x_connections", "x_oauth_flows", "x_data_keys"]);

describeStore("pglite", {
  store: () => store,
  // Nothing to do: the fixture empties these tables after every test.
  reset: async () => {},
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
    // Its own PGlite: the file's is migrated already, and this one must hold a conflicting table.
    const broken = new PGlite();
    await broken.exec("create table x_connections (id int)");
    await expect(createPgliteStore({ client: broken }).open()).rejects.toThrow(
      /migrating the PGlite store failed: .*x_connections/,
    );
    await broken.close();
  });
});
