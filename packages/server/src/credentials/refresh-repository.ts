import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { type Credential, newSealedEpoch, sealCredential } from "../connections/credential";
import { type ConnectionRow, connections } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import type { Schedule } from "./schedule";

const afterMs = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

/**
 * Takes the refresh lease if it is free or expired and the row is still the revision we read.
 * Database time decides expiry, so instances with skewed clocks agree.
 */
export async function acquireLease(
  db: Database,
  row: Pick<ConnectionRow, "id" | "revision">,
  owner: string,
  leaseMs: number,
): Promise<ConnectionRow | undefined> {
  const [leased] = await db
    .update(connections)
    .set({ leaseOwner: owner, leaseExpiresAt: afterMs(leaseMs) })
    .where(
      and(
        eq(connections.id, row.id),
        eq(connections.revision, row.revision),
        eq(connections.status, "active"),
        sql`(${connections.leaseOwner} is null or ${connections.leaseExpiresAt} < now())`,
      ),
    )
    .returning();
  return leased;
}

/** Only the owner may release a lease; a lease taken over after expiry stays with its new owner. */
const releasedIfOwner = (owner: string) =>
  sql`case when ${connections.leaseOwner} = ${owner} then null else ${connections.leaseOwner} end`;
const leaseExpiryIfOwner = (owner: string) =>
  sql`case when ${connections.leaseOwner} = ${owner} then null else ${connections.leaseExpiresAt} end`;

/**
 * Stores the refreshed credential (with a rotated refresh token, if any) before anyone is handed
 * the new access token. Compare-and-set on the revision we refreshed from: if another instance
 * committed first, ours is discarded and theirs is what everyone uses.
 */
export async function commitRefresh(
  db: Database,
  vault: Vault,
  leased: ConnectionRow,
  credential: Credential,
  schedule: Schedule,
  owner: string,
): Promise<ConnectionRow | undefined> {
  const sealedEpoch = newSealedEpoch();
  const sealed = await sealCredential(vault, { ...leased, sealedEpoch }, credential);
  const now = new Date();
  const [committed] = await db
    .update(connections)
    .set({
      sealed,
      sealedEpoch,
      expiresAt:
        credential.type === "oauth2" && credential.expiresAt
          ? new Date(credential.expiresAt)
          : null,
      lastRefreshedAt: now,
      updatedAt: now,
      status: "active",
      authFailedAt: null,
      refreshFailures: 0,
      nextRefreshAt: schedule.nextRefreshAt,
      revision: sql`${connections.revision} + 1`,
      leaseOwner: releasedIfOwner(owner),
      leaseExpiresAt: leaseExpiryIfOwner(owner),
    })
    .where(and(eq(connections.id, leased.id), eq(connections.revision, leased.revision)))
    .returning();
  return committed;
}

/** A timeout or 5xx: keep the credential, release the lease, try again after a backoff. */
export async function recordRefreshFailure(
  db: Database,
  id: string,
  owner: string,
  retryInMs: number,
) {
  await db
    .update(connections)
    .set({
      refreshFailures: sql`${connections.refreshFailures} + 1`,
      nextRefreshAt: afterMs(retryInMs),
      leaseOwner: releasedIfOwner(owner),
      leaseExpiresAt: leaseExpiryIfOwner(owner),
    })
    .where(eq(connections.id, id));
}

/** The provider refused the grant: the user must connect again. Returns the row if it changed. */
export async function markAuthFailed(
  db: Database,
  id: string,
  owner?: string,
): Promise<ConnectionRow | undefined> {
  const now = new Date();
  const [row] = await db
    .update(connections)
    .set({
      status: "auth_failed",
      authFailedAt: now,
      updatedAt: now,
      nextRefreshAt: null,
      nextCheckAt: null,
      ...(owner
        ? { leaseOwner: releasedIfOwner(owner), leaseExpiresAt: leaseExpiryIfOwner(owner) }
        : {}),
    })
    .where(and(eq(connections.id, id), eq(connections.status, "active")))
    .returning();
  return row;
}

/**
 * Claims up to `limit` connections whose refresh (or health check) is due, by pushing their due
 * time `claimMs` ahead in one statement: other instances skip them (FOR UPDATE SKIP LOCKED)
 * and no transaction stays open while we call the provider. A crashed worker's claims simply
 * come due again.
 */
export async function claimDue(
  db: Database,
  kind: "refresh" | "check",
  limit: number,
  claimMs: number,
): Promise<string[]> {
  const column = kind === "refresh" ? connections.nextRefreshAt : connections.nextCheckAt;
  const due = db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.status, "active"), isNotNull(column), lte(column, sql`now()`)))
    .orderBy(asc(column))
    .limit(limit)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(connections)
    .set(
      kind === "refresh" ? { nextRefreshAt: afterMs(claimMs) } : { nextCheckAt: afterMs(claimMs) },
    )
    .where(inArray(connections.id, due))
    .returning({ id: connections.id });
  return claimed.map((row) => row.id);
}

export async function recordCheck(
  db: Database,
  id: string,
  nextCheckAt: Date | null,
): Promise<void> {
  await db
    .update(connections)
    .set({ lastCheckedAt: new Date(), nextCheckAt })
    .where(eq(connections.id, id));
}

/**
 * A connection stored before grants were bound to their issuer is bound to the one it is first
 * refreshed at (trust on first use): from then on no other issuer receives its refresh token.
 */
export async function bindIssuer(
  db: Database,
  id: string,
  issuer: string,
  tokenEndpoint: string,
): Promise<void> {
  await db
    .update(connections)
    .set({ issuer, tokenEndpoint })
    .where(and(eq(connections.id, id), isNull(connections.issuer)));
}
