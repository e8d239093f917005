import type { ConnectionRow } from "../store/schema";

/** A connection as callers see it: never a token. */
export type Connection = {
  id: string;
  provider: string;
  visibility: "user" | "workspace";
  tenantId: string;
  userId: string | null;
  scopes: string[];
  name: string | null;
  handle: string | null;
  status: "active" | "auth_failed" | "revoked";
  authFailedAt: string | null;
  createdAt: string;
  lastRefreshedAt: string | null;
};

export function toConnection(row: ConnectionRow): Connection {
  return {
    id: row.id,
    provider: row.provider,
    visibility: row.visibility,
    tenantId: row.tenantId,
    userId: row.userId,
    scopes: row.scopes,
    name: row.name,
    handle: row.handle,
    status: row.status,
    authFailedAt: row.authFailedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    lastRefreshedAt: row.lastRefreshedAt?.toISOString() ?? null,
  };
}
