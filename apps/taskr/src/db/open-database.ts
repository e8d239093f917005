import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { schema } from "./schema";

export type TaskrDatabase = Awaited<ReturnType<typeof openDatabase>>["db"];

/**
 * One embedded PostgreSQL for the whole demo: Taskr's users and sessions, and (through
 * `pgliteStore({ client })`) the connections kit's tables beside them.
 */
export async function openDatabase(dir: string | undefined) {
  const client = new PGlite(dir);
  const db = drizzle(client, { schema });
  await migrate(db, {
    migrationsFolder: fileURLToPath(new URL("../../drizzle", import.meta.url)),
    migrationsTable: "taskr_migrations",
    migrationsSchema: "public",
  });
  return { client, db };
}
