import { ConnectionsError } from "../shared/errors";

// What postgres.js and PostgreSQL say when the database is down, restarting or unreachable.
const UNAVAILABLE_CODES = new Set([
  "store_unavailable", // our StoreError: the store could not be opened
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08003",
  "08006",
]);

/** True when the error (or its cause, as Drizzle wraps driver errors) means "no database now". */
export function isStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    // Only errors: a provider's parsed JSON body hangs as a `cause` too (oauth4webapi), and a
    // server may write any `code` into it.
    if (!(current instanceof Error)) return false;
    // fetch() reports a network failure as a TypeError whose cause carries the socket's code
    // (ECONNREFUSED…): a provider out of reach, which neither Drizzle nor postgres.js throws.
    if (current instanceof TypeError) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * What callers are told while the database is away. The driver's error is not kept as the cause:
 * Drizzle's quotes the query and its parameters, and a host may log whatever it catches.
 */
export function storeUnavailableError(): ConnectionsError {
  return new ConnectionsError(
    "store_unavailable",
    "The connections database is unavailable right now; try again shortly",
  );
}

/**
 * `method`, throwing store_unavailable instead of the driver's error during an outage: host code
 * catches ConnectionsError, and anything else becomes its 500.
 */
export function reportStoreUnavailable<Args extends unknown[], Result>(
  method: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args) => {
    try {
      return await method(...args);
    } catch (error) {
      if (error instanceof ConnectionsError || !isStoreUnavailable(error)) throw error;
      throw storeUnavailableError();
    }
  };
}

/**
 * A copy of `target` whose every function reports store_unavailable (see
 * reportStoreUnavailable): the one boundary where the composition root hands parts to hosts
 * and routes. A function that returns no promise is wrapped harmlessly.
 */
export function reportStoreUnavailableInAll<T extends object>(target: T): T {
  const reporting = { ...target } as Record<string, unknown>;
  for (const [name, value] of Object.entries(target)) {
    if (typeof value !== "function") continue;
    reporting[name] = (...args: unknown[]) => {
      const result = (value as (...args: unknown[]) => unknown).apply(target, args);
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        if (error instanceof ConnectionsError || !isStoreUnavailable(error)) throw error;
        throw storeUnavailableError();
      });
    };
  }
  return reporting as T;
}
