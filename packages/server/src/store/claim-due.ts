import { and, asc, inArray, isNotNull, lte, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "./store";

/** `now() + ms`, in the database's clock: instances with skewed clocks agree on what is due. */
export const afterMs = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/**
 * Claims up to `limit` rows whose `due` time has passed, by pushing it `claimMs` ahead in one
 * statement: other instances skip them (FOR UPDATE SKIP LOCKED), no transaction stays open while
 * the caller works, and a crashed worker's claims simply come due again. Returns the claimed
 * rows whole, so the caller reads nothing twice.
 */
export async function claimDue<Table extends PgTable>(
  db: Database,
  table: Table,
  claim: {
    id: PgColumn;
    due: PgColumn;
    /** The key of `due` in the table's row type, for the update. */
    dueKey: keyof Table["$inferInsert"] & string;
    where: SQL | undefined;
    limit: number;
    claimMs: number;
  },
): Promise<Table["$inferSelect"][]> {
  const due = db
    .select({ id: claim.id })
    .from(table as PgTable)
    .where(and(claim.where, isNotNull(claim.due), lte(claim.due, sql`now()`)))
    .orderBy(asc(claim.due))
    .limit(claim.limit)
    .for("update", { skipLocked: true });
  const rows = await db
    .update(table as PgTable)
    .set({ [claim.dueKey]: afterMs(claim.claimMs) })
    .where(inArray(claim.id, due))
    .returning();
  return rows as Table["$inferSelect"][];
}
