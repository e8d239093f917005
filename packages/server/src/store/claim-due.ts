import { and, asc, inArray, isNotNull, lte, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { preparedPerDatabase } from "./prepared";
import type { Database } from "./store";

/** `now() + ms`, in the database's clock: instances with skewed clocks agree on what is due. */
export const afterMs = (ms: number | Placeholder) => sql`now() + ${ms} * interval '1 millisecond'`;

/**
 * A claim of up to `limit` rows whose `due` time has passed, by pushing it `claimMs` ahead in one
 * statement: other instances skip them (FOR UPDATE SKIP LOCKED), no transaction stays open while
 * the caller works, and a crashed worker's claims simply come due again. The claim returns the
 * rows whole, so the caller reads nothing twice. Every worker tick runs each claim: it is
 * prepared (see preparedPerDatabase).
 */
export function defineClaim<Table extends PgTable>(
  table: Table,
  claim: {
    /** Names the prepared statement: one per claim. */
    name: string;
    id: PgColumn;
    due: PgColumn;
    /** The key of `due` in the table's row type, for the update. */
    dueKey: keyof Table["$inferInsert"] & string;
    where: SQL | undefined;
  },
): (db: Database, limit: number, claimMs: number) => Promise<Table["$inferSelect"][]> {
  const statement = preparedPerDatabase((db) => {
    const due = db
      .select({ id: claim.id })
      .from(table as PgTable)
      .where(and(claim.where, isNotNull(claim.due), lte(claim.due, sql`now()`)))
      .orderBy(asc(claim.due))
      .limit(sql.placeholder("limit"))
      .for("update", { skipLocked: true });
    return db
      .update(table as PgTable)
      .set({ [claim.dueKey]: afterMs(sql.placeholder("claimMs")) })
      .where(inArray(claim.id, due))
      .returning()
      .prepare(claim.name);
  });
  return async (db, limit, claimMs) =>
    (await statement(db, { limit, claimMs })) as Table["$inferSelect"][];
}
