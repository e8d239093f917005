import { and, eq, getTableColumns, sql } from "drizzle-orm";
import { afterMs } from "../store/claim-due";
import { type ConnectionRow, connections } from "../store/schema";
import type { Database } from "../store/store";

// The refresh lease in a connection's row: who calls the provider for it now, and until when.
// Database time decides expiry everywhere, so instances with skewed clocks agree.

type RowAt = Pick<ConnectionRow, "id" | "revision">;

export const revisionOf = (row: RowAt) =>
  and(eq(connections.id, row.id), eq(connections.revision, row.revision));

const leaseFree = sql`(${connections.leaseOwner} is null or ${connections.leaseExpiresAt} < now())`;

/** Takes the lease if it is free or expired and the row is still the revision we read. */
export async function acquireLease(
  db: Database,
  row: RowAt,
  owner: string,
  leaseMs: number,
): Promise<ConnectionRow | undefined> {
  const [leased] = await db
    .update(connections)
    .set({ leaseOwner: owner, leaseExpiresAt: afterMs(leaseMs) })
    .where(and(revisionOf(row), eq(connections.status, "active"), leaseFree))
    .returning();
  return leased;
}

/**
 * Pushes the owner's lease `leaseMs` ahead, while the row is still at the revision it was taken
 * at. False when it is not ours any more: it lapsed and another instance took it, or the row
 * changed. Touches no column the change trigger announces.
 */
export async function renewLease(
  db: Database,
  row: RowAt,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const renewed = await db
    .update(connections)
    .set({ leaseExpiresAt: afterMs(leaseMs) })
    .where(and(revisionOf(row), eq(connections.leaseOwner, owner)))
    .returning({ id: connections.id });
  return renewed.length > 0;
}

/** The row, and whether its lease may be taken now (free, or expired by the database's clock). */
export async function readLease(
  db: Database,
  id: string,
): Promise<{ row: ConnectionRow; leaseFree: boolean } | undefined> {
  const [found] = await db
    .select({ ...getTableColumns(connections), leaseFree: sql<boolean>`${leaseFree}` })
    .from(connections)
    .where(eq(connections.id, id))
    .limit(1);
  if (!found) return undefined;
  const { leaseFree: free, ...row } = found;
  return { row, leaseFree: free };
}

/** Only the owner may release a lease; a lease taken over after expiry stays with its new owner. */
export const releaseIfOwner = (owner: string) => ({
  leaseOwner: sql`case when ${connections.leaseOwner} = ${owner} then null else ${connections.leaseOwner} end`,
  leaseExpiresAt: sql`case when ${connections.leaseOwner} = ${owner} then null else ${connections.leaseExpiresAt} end`,
});
