import { PGlite } from "@electric-sql/pglite";
import { afterEach, beforeAll } from "vitest";
import { createPgliteStore } from "../store/pglite-store";

/**
 * One PGlite for the test file (it takes seconds to start), migrated once before the first test
 * and closed after the last. After each test, `closers` run newest first (hosts, sandboxes), then
 * the listed tables are emptied, so every test starts from the same rows.
 */
export function pgliteForFile(tables: readonly string[]) {
  const client = new PGlite();
  const store = createPgliteStore({ client });
  const closers: (() => unknown)[] = [];
  beforeAll(async () => {
    // Migrations run here, not inside the first test's time budget.
    await store.open();
    return () => client.close();
  }, 60_000);
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await client.exec(tables.map((table) => `delete from ${table};`).join(" "));
  });
  return { client, store, closers };
}
