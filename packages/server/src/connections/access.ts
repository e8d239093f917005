import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import { findConnectionById, renameConnection } from "./repository";

const notFound = () => new ConnectionsError("not_found", "No such connection");

/** A connection the caller may see: their own user connection or their tenant's workspace one. */
export async function findVisible(
  db: Database,
  identity: Identity,
  id: string,
): Promise<ConnectionRow> {
  const row = await findConnectionById(db, id);
  if (!row || row.tenantId !== identity.tenantId) throw notFound();
  if (row.visibility === "user" && row.userId !== identity.userId) throw notFound();
  return row;
}

/** Workspace connections are shared by the tenant: only admins create, rename or delete them. */
export function assertMayManage(identity: Identity, visibility: "user" | "workspace"): void {
  if (visibility === "workspace" && identity.role !== "admin") {
    throw new ConnectionsError("forbidden", "Only an admin can manage workspace connections");
  }
}

export async function renameVisible(
  db: Database,
  identity: Identity,
  id: string,
  name: string,
): Promise<ConnectionRow> {
  const row = await findVisible(db, identity, id);
  assertMayManage(identity, row.visibility);
  const renamed = await renameConnection(db, row.id, name);
  if (!renamed) throw notFound();
  return renamed;
}
