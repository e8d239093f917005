import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { MIGRATIONS } from "./migrations-folder";
import { schema } from "./schema";
import { type Database, type Store, StoreError } from "./store";

export type PgliteStoreOptions = {
  /** Data folder that survives restarts; in memory when omitted. */
  dir?: string;
  /** An existing PGlite instance to share with the host app (the store will not close it). */
  client?: PGlite;
};

/** The embedded store: PostgreSQL compiled to WebAssembly, in this process, nothing to install. */
export function pgliteStore(options: PgliteStoreOptions = {}): Store & { readonly client: PGlite } {
  const owned = !options.client;
  const client = options.client ?? new PGlite(options.dir);
  let opening: Promise<Database> | undefined;
  return {
    kind: "pglite",
    client,
    open() {
      opening ??= (async () => {
        const db = drizzle(client, { schema });
        try {
          await migrate(db, MIGRATIONS);
        } catch (error) {
          throw new StoreError(
            `@x/server: migrating the PGlite store${options.dir ? ` in ${options.dir}` : ""} failed: ${(error as Error).message}`,
            { cause: error },
          );
        }
        return db as unknown as Database;
      })();
      return opening;
    },
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    async close() {
      if (owned && !client.closed) await client.close();
    },
  };
}
