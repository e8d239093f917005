import { and, eq, isNull, or, sql } from "drizzle-orm";
import { newId } from "../shared/ids";
import { afterMs, defineClaim } from "../store/claim-due";
import { type ConnectionRow, connections } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import { newSealedEpoch, type OAuthCredential, sealCredential } from "./credential";
import { type ConnectionKey, ownerKeyOf, type SaveConnectionInput } from "./keys";
import { releaseIfOwner, revisionOf } from "./lease";

export type { ConnectionKey, SaveConnectionInput, Visibility } from "./keys";

function keyCondition(key: ConnectionKey) {
  return and(
    eq(connections.tenantId, key.tenantId),
    eq(connections.provider, key.provider),
    eq(connections.visibility, key.visibility),
    eq(connections.ownerKey, ownerKeyOf(key)),
  );
}

export async function findConnectionByKey(
  db: Database,
  key: ConnectionKey,
): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(connections).where(keyCondition(key)).limit(1);
  return row;
}

export async function findConnectionById(
  db: Database,
  id: string,
): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.id, id)).limit(1);
  return row;
}

/** The caller's own user connections and every workspace connection of the tenant. */
export function listVisibleConnections(
  db: Database,
  filter: { tenantId: string; userId?: string; provider?: string },
): Promise<ConnectionRow[]> {
  const visible = filter.userId
    ? or(
        eq(connections.visibility, "workspace"),
        and(eq(connections.visibility, "user"), eq(connections.ownerKey, filter.userId)),
      )
    : undefined;
  return db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.tenantId, filter.tenantId),
        filter.provider ? eq(connections.provider, filter.provider) : undefined,
        visible,
      ),
    )
    .orderBy(connections.createdAt);
}

/**
 * Creates the connection, or updates the one that key already names (a reconnect never makes a
 * duplicate). The credential is sealed for the row id and a new epoch it is stored with, so when
 * a concurrent connect wins the insert, we seal again for the winner's id.
 */
export async function saveConnection(
  db: Database,
  vault: Vault,
  input: SaveConnectionInput,
): Promise<{ row: ConnectionRow; created: boolean; previous: ConnectionRow | undefined }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const previous = await findConnectionByKey(db, input);
    const id = previous?.id ?? newId();
    const sealedEpoch = newSealedEpoch();
    const sealed = await sealCredential(
      vault,
      {
        tenantId: input.tenantId,
        id,
        provider: input.provider,
        visibility: input.visibility,
        ownerKey: ownerKeyOf(input),
        sealedEpoch,
      },
      input.credential,
    );
    const now = new Date();
    const fields = {
      name: input.name,
      handle: input.handle,
      accountId: input.accountId,
      issuer: input.issuer ?? null,
      tokenEndpoint: input.tokenEndpoint ?? null,
      scopes: input.scopes,
      status: "active" as const,
      authFailedAt: null,
      expiresAt: input.expiresAt,
      lastRefreshedAt: now,
      nextRefreshAt: input.nextRefreshAt,
      nextCheckAt: input.nextCheckAt,
      refreshFailures: 0,
      leaseOwner: null,
      leaseExpiresAt: null,
      sealed,
      sealedEpoch,
      updatedAt: now,
    };
    if (previous) {
      const [row] = await db
        .update(connections)
        .set({ ...fields, userId: input.userId, revision: sql`${connections.revision} + 1` })
        .where(eq(connections.id, id))
        .returning();
      if (row) return { row, created: false, previous };
      continue;
    }
    const [row] = await db
      .insert(connections)
      .values({
        id,
        tenantId: input.tenantId,
        provider: input.provider,
        visibility: input.visibility,
        ownerKey: ownerKeyOf(input),
        userId: input.userId,
        ...fields,
      })
      .onConflictDoNothing()
      .returning();
    if (row) return { row, created: true, previous: undefined };
  }
  throw new Error("saveConnection: the connection kept changing underneath; try again");
}

export async function renameConnection(
  db: Database,
  id: string,
  name: string,
): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .update(connections)
    .set({ name, updatedAt: new Date() })
    .where(eq(connections.id, id))
    .returning();
  return row;
}

export async function deleteConnection(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .delete(connections)
    .where(eq(connections.id, id))
    .returning({ id: connections.id });
  return rows.length > 0;
}

/**
 * Stores the refreshed credential (with a rotated refresh token, if any) before anyone is handed
 * the new access token. Compare-and-set on the revision we refreshed from: if another instance
 * committed first, ours is discarded and theirs is what everyone uses.
 */
export async function commitRefresh(
  db: Database,
  vault: Vault,
  leased: ConnectionRow,
  credential: OAuthCredential,
  nextRefreshAt: Date | null,
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
      expiresAt: credential.expiresAt ? new Date(credential.expiresAt) : null,
      lastRefreshedAt: now,
      updatedAt: now,
      status: "active",
      authFailedAt: null,
      refreshFailures: 0,
      nextRefreshAt,
      revision: sql`${connections.revision} + 1`,
      ...releaseIfOwner(owner),
    })
    .where(revisionOf(leased))
    .returning();
  return committed;
}

/** A timeout or 5xx: keep the credential, release the lease, try again after a backoff. */
export async function recordRefreshFailure(
  db: Database,
  id: string,
  owner: string,
  retryInMs: number,
): Promise<void> {
  await db
    .update(connections)
    .set({
      refreshFailures: sql`${connections.refreshFailures} + 1`,
      nextRefreshAt: afterMs(retryInMs),
      ...releaseIfOwner(owner),
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
      ...(owner ? releaseIfOwner(owner) : {}),
    })
    .where(and(eq(connections.id, id), eq(connections.status, "active")))
    .returning();
  return row;
}

const claimDueRefreshes = defineClaim(connections, {
  name: "x_claim_due_refreshes",
  id: connections.id,
  due: connections.nextRefreshAt,
  dueKey: "nextRefreshAt",
  where: eq(connections.status, "active"),
});
const claimDueChecks = defineClaim(connections, {
  name: "x_claim_due_checks",
  id: connections.id,
  due: connections.nextCheckAt,
  dueKey: "nextCheckAt",
  where: eq(connections.status, "active"),
});

/** Connections whose refresh (or health check) is due, claimed for this worker (see defineClaim). */
export function claimDueConnections(
  db: Database,
  kind: "refresh" | "check",
  limit: number,
  claimMs: number,
): Promise<ConnectionRow[]> {
  return (kind === "refresh" ? claimDueRefreshes : claimDueChecks)(db, limit, claimMs);
}

export async function recordCheck(db: Database, id: string, nextCheckAt: Date | null) {
  await db
    .update(connections)
    .set({ lastCheckedAt: new Date(), nextCheckAt })
    .where(eq(connections.id, id));
}

/**
 * A connection stored before grants were bound to their issuer is bound to the one it is first
 * refreshed at (trust on first use): from then on no other issuer receives its refresh token.
 */
export async function bindIssuer(db: Database, id: string, issuer: string, endpoint: string) {
  await db
    .update(connections)
    .set({ issuer, tokenEndpoint: endpoint })
    .where(and(eq(connections.id, id), isNull(connections.issuer)));
}
