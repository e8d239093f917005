import { isConfigured, type Provider } from "../providers/types";
import type { ConnectionView, McpServerView, ProviderView } from "./schemas";

/** What a connection's row shows the world: never a token. */
export type ConnectionSource = {
  id: string;
  provider: string;
  visibility: "user" | "workspace";
  tenantId: string;
  userId: string | null;
  scopes: string[];
  name: string | null;
  handle: string | null;
  status: "active" | "auth_failed" | "revoked";
  authFailedAt: Date | null;
  createdAt: Date;
  lastRefreshedAt: Date | null;
};

export function toConnection(row: ConnectionSource): ConnectionView {
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

/** The public description of a provider: what `GET /providers` returns. */
export function describeProvider(provider: Provider): ProviderView {
  return {
    name: provider.name,
    displayName: provider.displayName,
    kind: provider.kind,
    configured: isConfigured(provider),
    scopes: provider.kind === "oauth2" ? provider.scopes : [],
    ...(provider.iconUrl ? { iconUrl: provider.iconUrl } : {}),
  };
}

export type McpServerSource = {
  id: string;
  name: string;
  displayName: string;
  url: string;
  visibility: "user" | "workspace";
  createdAt: Date;
};

export function toMcpServer(row: McpServerSource): Omit<McpServerView, "provider"> {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    url: row.url,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
  };
}
