import type { PGlite } from "@electric-sql/pglite";
import { lockFolder } from "./folder-lock";
import { MIGRATIONS } from "./migrations-folder";
import { schema } from "./schema";
import { type Database, type DatabaseStore, type Store, StoreError } from "./store";

/**
 * A PGlite instance the host opened itself, described by what the kit relies on, so the public
 * types name nothing of PGlite's.
 */
export type PgliteClient = {
  readonly closed: boolean;
  close(): Promise<void>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
};

export type PgliteStoreOptions = {
  /** Data folder that survives restarts; in memory when omitted. */
  dir?: string | undefined;
  /** An existing PGlite instance to share with the host app (the store will not close it). */
  client?: PgliteClient | undefined;
};

/** The embedded store: PostgreSQL compiled to WebAssembly, in this process, nothing to install. */
export function pgliteStore(options: PgliteStoreOptions = {}): Store {
  return createPgliteStore(options);
}

/**
 * The same, as the kit sees it. PGlite and its Drizzle driver are loaded on first open: an app
 * on PostgreSQL never loads them.
 */
export function createPgliteStore(options: PgliteStoreOptions = {}): DatabaseStore {
  let client = options.client as PGlite | undefined;
  let opening: Promise<Database> | undefined;
  let unlock: (() => void) | undefined;
  const open = () => {
    opening ??= (async () => {
      if (options.dir && !options.client) unlock = lockFolder(options.dir);
      const [{ PGlite }, { drizzle }, { migrate }] = await Promise.all([
        import("@electric-sql/pglite"),
        import("drizzle-orm/pglite"),
        import("drizzle-orm/pglite/migrator"),
      ]);
      client ??= new PGlite(options.dir);
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
  };
  return {
    kind: "pglite",
    open,
    async listen(channel, onMessage) {
      await open();
      return client!.listen(channel, onMessage);
    },
    async close() {
      if (!options.client && client && !client.closed) await client.close();
      unlock?.();
    },
  };
}
