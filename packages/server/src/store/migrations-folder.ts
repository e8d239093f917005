import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The SQL migrations ship in the package's `drizzle/` folder. This module runs from `src/` in
 * development and from `dist/` once built, so the folder is found by walking up, not by a fixed
 * relative path.
 */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    const candidate = join(dir, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    "@x/server: the drizzle/ migrations folder is missing from the installed package",
  );
}

/**
 * Our own bookkeeping table, so the kit can share a database (and Drizzle) with the host app
 * without the two sets of migrations mistaking each other's history.
 */
export const MIGRATIONS = {
  get migrationsFolder() {
    return migrationsFolder();
  },
  migrationsTable: "x_connections_migrations",
  migrationsSchema: "public",
};
