import { and, asc, count, eq, or, sql } from "drizzle-orm";
import { preparedPerDatabase } from "../store/prepared";
import { type McpServerRow, mcpServers } from "../store/schema";
import type { Database } from "../store/store";

export type NewMcpServer = typeof mcpServers.$inferInsert;

const inTenant = (tenantId: string) => eq(mcpServers.tenantId, tenantId);

export async function findServerByName(
  db: Database,
  tenantId: string,
  name: string,
): Promise<McpServerRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpServers)
    .where(and(inTenant(tenantId), eq(mcpServers.name, name)));
  return row;
}

const serversByNames = preparedPerDatabase((db) =>
  db
    .select()
    .from(mcpServers)
    .where(
      and(
        sql`${mcpServers.tenantId} = any(${sql.placeholder("tenantIds")}::text[])`,
        sql`${mcpServers.name} = any(${sql.placeholder("names")}::text[])`,
      ),
    )
    .prepare("x_find_servers_by_names"),
);

/**
 * The servers with any of these names in any of these tenants: one query for many lookups (the
 * unique (tenant, name) index serves it), the same text for any number, so it is prepared (each
 * worker tick runs it). The caller picks the pairs it asked for.
 */
export function findServersByNames(
  db: Database,
  tenantIds: readonly string[],
  names: readonly string[],
): Promise<McpServerRow[]> {
  return serversByNames(db, { tenantIds: [...tenantIds], names: [...names] });
}

export async function findServerByUrl(
  db: Database,
  tenantId: string,
  url: string,
): Promise<McpServerRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpServers)
    .where(and(inTenant(tenantId), eq(mcpServers.url, url)));
  return row;
}

export async function findServerById(
  db: Database,
  tenantId: string,
  id: string,
): Promise<McpServerRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpServers)
    .where(and(inTenant(tenantId), eq(mcpServers.id, id)));
  return row;
}

/** The workspace's servers and the user's own, oldest first. */
export function listVisibleServers(
  db: Database,
  owner: { tenantId: string; userId: string },
): Promise<McpServerRow[]> {
  const visible = or(
    eq(mcpServers.visibility, "workspace"),
    eq(mcpServers.createdBy, owner.userId),
  );
  return db
    .select()
    .from(mcpServers)
    .where(and(inTenant(owner.tenantId), visible))
    .orderBy(asc(mcpServers.createdAt));
}

/** How many servers a user added for themselves. */
export async function countOwnServers(db: Database, tenantId: string, userId: string) {
  const [row] = await db
    .select({ total: count() })
    .from(mcpServers)
    .where(
      and(inTenant(tenantId), eq(mcpServers.createdBy, userId), eq(mcpServers.visibility, "user")),
    );
  return row?.total ?? 0;
}

/** Undefined when the URL or the name was taken meanwhile (both are unique per tenant). */
export async function insertServer(
  db: Database,
  server: NewMcpServer,
): Promise<McpServerRow | undefined> {
  const [row] = await db.insert(mcpServers).values(server).onConflictDoNothing().returning();
  return row;
}

export async function makeWorkspaceServer(
  db: Database,
  id: string,
  displayName: string,
): Promise<McpServerRow | undefined> {
  const [row] = await db
    .update(mcpServers)
    .set({ visibility: "workspace", displayName, updatedAt: new Date() })
    .where(eq(mcpServers.id, id))
    .returning();
  return row;
}

export async function deleteServer(db: Database, id: string): Promise<void> {
  await db.delete(mcpServers).where(eq(mcpServers.id, id));
}
