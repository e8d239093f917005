import { and, eq, or, sql } from "drizzle-orm";
import { newId } from "../oauth/random";
import { type ConnectionRow, connections } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import { type Credential, newSealedEpoch, sealCredential } from "./credential";

export type Visibility = "user" | "workspace";

export type ConnectionKey = {
  tenantId: string;
  provider: string;
  visibility: Visibility;
  /** The owning user for user connections; ignored for workspace connections. */
  userId: string;
};

export type SaveConnectionInput = ConnectionKey & {
  credential: Credential;
  scopes: string[];
  name: string | null;
  handle: string | null;
  accountId: string | null;
  /** The authorization server that granted an OAuth credential, and its token endpoint. */
  issuer?: string | null;
  tokenEndpoint?: string | null;
  expiresAt: Date | null;
  nextRefreshAt: Date | null;
  nextCheckAt: Date | null;
};

function ownerKeyOf(key: Pick<ConnectionKey, "visibility" | "userId">): string {
  return key.visibility === "user" ? key.userId : "";
}

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
