import type postgres from "postgres";
import { MIGRATIONS } from "./migrations-folder";
import { schema } from "./schema";
import { type Database, type DatabaseStore, type Store, StoreError } from "./store";

export type PostgresStoreOptions = {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Pool size per instance (default 10). */
  max?: number | undefined;
};

// Any constant works; it only has to be the same for every instance migrating one database.
const MIGRATION_LOCK = 727_001;

/**
 * postgres.js waits before each reconnect, 3^failures / 100 s up to 20 s, counting failures for
 * the whole pool. Under load a few seconds of outage reach that ceiling, and then every query
 * waits out the delay: requests hang for up to 20 s instead of answering 503, and the pool and
 * LISTEN come back up to 20 s after the database did. Same curve, capped at one second.
 */
const reconnectDelaySeconds = (failures: number) =>
  (0.5 + Math.random() / 2) * Math.min(3 ** failures / 100, 1);
/**
 * A connection attempt nobody answers fails after this, not postgres.js's 30 s: PostgreSQL
 * shutting down under load was seen to leave one unanswered, and to wait for it before stopping.
 */
const CONNECT_TIMEOUT_SECONDS = 10;

/** PostgreSQL for many stateless instances sharing one database. */
export function postgresStore(options: PostgresStoreOptions): Store {
  return createPostgresStore(options);
}

/**
 * The same, as the kit sees it (and its tests: `sql` once opened). postgres.js and its Drizzle
 * driver are loaded on first open: an app on the embedded store never loads them.
 */
export function createPostgresStore(
  options: PostgresStoreOptions,
): DatabaseStore & { readonly sql: postgres.Sql } {
  let sql: postgres.Sql | undefined;
  let opening: Promise<Database> | undefined;
  const open = () => {
    opening ??= (async () => {
      const [{ default: connect }, { drizzle }, { migrate }] = await Promise.all([
        import("postgres"),
        import("drizzle-orm/postgres-js"),
        import("drizzle-orm/postgres-js/migrator"),
      ]);
      await migrateOnce(options.url, (session) => migrate(drizzle(session), MIGRATIONS), connect);
      sql = connect(options.url, {
        max: options.max ?? 10,
        onnotice: () => {},
        backoff: reconnectDelaySeconds,
        connect_timeout: CONNECT_TIMEOUT_SECONDS,
      });
      return drizzle(sql, { schema }) as unknown as Database;
    })();
    return opening;
  };
  return {
    kind: "postgres",
    get sql() {
      if (!sql) throw new StoreError("@x/server: the PostgreSQL store is not open yet");
      return sql;
    },
    open,
    async listen(channel, onMessage, onMissed) {
      await open();
      // postgres.js keeps one dedicated connection for LISTEN and re-subscribes after a reconnect,
      // calling onlisten every time: each call after the first follows a loss.
      let subscribed = false;
      const subscription = await sql!.listen(channel, onMessage, () => {
        if (subscribed) onMissed?.();
        subscribed = true;
      });
      return () => subscription.unlisten();
    },
    async close() {
      await sql?.end({ timeout: 5 });
    },
  };
}

/** Instances starting together take turns: an advisory lock held on one dedicated connection. */
async function migrateOnce(
  url: string,
  migrate: (session: postgres.Sql) => Promise<void>,
  connect: typeof postgres,
): Promise<void> {
  const session = connect(url, { max: 1, onnotice: () => {} });
  try {
    await session`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(session);
  } catch (error) {
    throw new StoreError(
      `@x/server: migrating PostgreSQL at ${redactUrl(url)} failed: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await session.end({ timeout: 5 }).catch(() => {});
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable url)";
  }
}
