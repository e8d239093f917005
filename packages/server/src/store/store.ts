import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { schema } from "./schema";

/** The SQL both stores speak: the same Drizzle queries run on PGlite and on PostgreSQL. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Where connections live. Two implementations, one dialect: `pgliteStore` (embedded, the default)
 * and `postgresStore` (many instances sharing one server).
 */
export interface Store {
  readonly kind: "pglite" | "postgres";
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
  close(): Promise<void>;
}

export class StoreError extends Error {
  readonly code = "store_unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}
