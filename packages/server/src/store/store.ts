import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { schema } from "./schema";

/** The SQL both stores speak: the same Drizzle queries run on PGlite and on PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Where connections live: `pgliteStore()` (embedded, the default) or `postgresStore()` (many
 * instances sharing one server). Opaque: hand it to `createConnections`, which opens it and
 * closes it on `close()`.
 */
export interface Store {
  readonly kind: "pglite" | "postgres";
  close(): Promise<void>;
}

/** What the kit uses of a store: two implementations, one dialect. */
export interface DatabaseStore extends Store {
  /** Opens the database and runs the migrations once; later calls return the same handle. */
  open(): Promise<Database>;
  /**
   * Calls `onMessage` with each payload notified on `channel` by any instance sharing the
   * database (PostgreSQL LISTEN/NOTIFY; in-process for PGlite). Resolves to an unsubscribe.
   * `onMissed` runs each time the subscription is back after its connection was lost: whatever
   * was notified meanwhile never arrives. PGlite runs in this process and loses nothing.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onMissed?: () => void,
  ): Promise<() => Promise<void>>;
}

/** The store behind the public handle: only the kit's own factories make one. */
export function databaseStore(store: Store): DatabaseStore {
  const candidate = store as Partial<DatabaseStore>;
  if (typeof candidate.open !== "function" || typeof candidate.listen !== "function") {
    throw new TypeError("store: pass pgliteStore() or postgresStore()");
  }
  return store as DatabaseStore;
}

export class StoreError extends Error {
  readonly code = "store_unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}
