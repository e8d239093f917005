import * as oauth from "oauth4webapi";
import type { CredentialReader, CredentialResult } from "../credentials/get-credential";
import { markAuthFailed, recordCheck } from "../credentials/refresh-repository";
import { ConnectionsError } from "../errors";
import type { Identity } from "../identity";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  issuerOf,
  requestOptions,
} from "../oauth/authorization-server";
import { fetchIdentity } from "../oauth/identity";
import { isProviderName } from "../providers/names";
import type { OAuthProvider } from "../providers/types";
import type { Runtime } from "../runtime";
import { isHeaderSafe } from "../shared/credential-header";
import type { ConnectionRow } from "../store/schema";
import { openCredential } from "./credential";
import {
  deleteConnection,
  findConnectionById,
  findConnectionByKey,
  listVisibleConnections,
  renameConnection,
  saveConnection,
} from "./repository";
import { type Connection, toConnection } from "./view";

const notFound = () => new ConnectionsError("not_found", "No such connection");

/** A connection the caller may see: their own user connection or their tenant's workspace one. */
export async function findVisible(
  runtime: Runtime,
  identity: Identity,
  id: string,
): Promise<ConnectionRow> {
  const row = await findConnectionById(await runtime.db(), id);
  if (!row || row.tenantId !== identity.tenantId) throw notFound();
  if (row.visibility === "user" && row.userId !== identity.userId) throw notFound();
  return row;
}

/**
 * A step-up asks for everything at once: the provider's scopes, those the connection the caller
 * was using holds (their own, else the workspace's, as getCredential picks) and the new ones, so
 * consenting to more never loses what was granted. A new scope must be one the provider lists
 * in `extraScopes`: the page names scopes, the host decides which it may hold.
 */
export async function stepUpScopes(
  runtime: Runtime,
  identity: Identity,
  provider: OAuthProvider,
  visibility: "user" | "workspace",
  needed: string[],
): Promise<string[]> {
  const db = await runtime.db();
  const key = { tenantId: identity.tenantId, provider: provider.name, userId: identity.userId };
  const workspace = () => findConnectionByKey(db, { ...key, visibility: "workspace" });
  const existing =
    visibility === "user"
      ? ((await findConnectionByKey(db, { ...key, visibility: "user" })) ?? (await workspace()))
      : await workspace();
  const held = new Set([...provider.scopes, ...(existing?.scopes ?? [])]);
  const allowed = provider.extraScopes ?? [];
  const refused = needed.filter(
    (scope) => !held.has(scope) && allowed !== "any" && !allowed.includes(scope),
  );
  if (refused.length > 0) {
    throw new ConnectionsError(
      "invalid_request",
      `scopes: ${provider.displayName} is not set up to ask for ${refused.join(", ")}`,
      { provider: provider.name },
    );
  }
  return [...new Set([...held, ...needed])];
}

/** Workspace connections are shared by the tenant: only admins create, rename or delete them. */
export function assertMayManage(identity: Identity, visibility: "user" | "workspace"): void {
  if (visibility === "workspace" && identity.role !== "admin") {
    throw new ConnectionsError("forbidden", "Only an admin can manage workspace connections");
  }
}

export async function saveSecretConnection(
  runtime: Runtime,
  identity: Identity,
  input: {
    provider: string;
    secret: string;
    visibility: "user" | "workspace";
    name?: string | undefined;
  },
): Promise<{ connection: Connection; created: boolean }> {
  const provider = isProviderName(input.provider)
    ? runtime.providers.get(input.provider)
    : undefined;
  if (!provider)
    throw new ConnectionsError("unknown_provider", `Unknown provider ${input.provider}`);
  if (provider.kind !== "secret") {
    throw new ConnectionsError(
      "invalid_request",
      `${provider.displayName} connects with OAuth, not a secret`,
      {
        provider: provider.name,
      },
    );
  }
  assertMayManage(identity, input.visibility);
  // It is sent in a header: a line break would split it, and fetch would quote it in its error.
  if (!isHeaderSafe(input.secret)) {
    throw new ConnectionsError(
      "invalid_secret",
      "The secret may hold only printable ASCII characters, with no spaces at either end",
      { provider: provider.name },
    );
  }
  const problem = await provider.validate?.(input.secret);
  if (problem) throw new ConnectionsError("invalid_secret", problem, { provider: provider.name });
  const saved = await saveConnection(await runtime.db(), runtime.vault, {
    tenantId: identity.tenantId,
    provider: provider.name,
    visibility: input.visibility,
    userId: identity.userId,
    credential: { type: "secret", secret: input.secret },
    scopes: [],
    name: input.name ?? provider.displayName,
    handle: null,
    accountId: null,
    expiresAt: null,
    nextRefreshAt: null,
    nextCheckAt: null,
  });
  const connection = toConnection(saved.row);
  runtime.emit({
    type: saved.created ? "connection.created" : "connection.reconnected",
    connection,
  });
  return { connection, created: saved.created };
}

export async function renameVisible(
  runtime: Runtime,
  identity: Identity,
  id: string,
  name: string,
): Promise<Connection> {
  const row = await findVisible(runtime, identity, id);
  assertMayManage(identity, row.visibility);
  const renamed = await renameConnection(await runtime.db(), row.id, name);
  if (!renamed) throw notFound();
  return toConnection(renamed);
}

/** RFC 7009: revoke at the provider when it can, then forget the credential either way. */
export async function disconnectConnection(runtime: Runtime, row: ConnectionRow): Promise<void> {
  const provider = await runtime.findProvider(row.provider, row);
  // A provider that cannot be reached must not keep a user from disconnecting: the grant is
  // forgotten here either way, and the event says whether the provider confirmed revocation.
  const revoked =
    provider?.kind === "oauth2" && provider.revocationEndpoint && row.status !== "revoked"
      ? await revokeAtProvider(runtime, row).catch(() => false)
      : false;
  if (revoked) {
    runtime.emit({
      type: "connection.revoked",
      connection: { ...toConnection(row), status: "revoked" },
    });
  }
  if (await deleteConnection(await runtime.db(), row.id)) {
    runtime.emit({ type: "connection.deleted", connection: toConnection(row) });
  }
}

/** Every connection of the tenant to a provider, revoked and deleted: a removed MCP server. */
export async function disconnectAllOf(
  runtime: Runtime,
  tenantId: string,
  provider: string,
): Promise<void> {
  const rows = await listVisibleConnections(await runtime.db(), { tenantId, provider });
  for (const row of rows) await disconnectConnection(runtime, row);
}

/** RFC 7009. Revoking the refresh token revokes the grant; true when the provider confirmed. */
async function revokeAtProvider(runtime: Runtime, row: ConnectionRow): Promise<boolean> {
  const provider = await runtime.findProvider(row.provider, row);
  if (provider?.kind !== "oauth2" || !provider.revocationEndpoint) return false;
  // Another issuer than the one that granted it never sees the token, not even to revoke it.
  if (row.issuer !== null && row.issuer !== issuerOf(provider)) return false;
  const credential = await openCredential(runtime.vault, row);
  if (credential.type !== "oauth2") return false;
  const token = credential.refreshToken ?? credential.accessToken;
  const as = authorizationServerOf(provider);
  const response = await oauth.revocationRequest(
    as,
    clientOf(provider),
    clientAuthOf(provider),
    token,
    requestOptions(provider.revocationEndpoint, runtime.timeoutMs, provider),
  );
  await oauth.processRevocationResponse(response);
  return true;
}

/**
 * Health check through the provider's identity endpoint. A 401 gets one forced refresh; if the
 * provider still refuses, the connection needs the user again. A provider that is down proves
 * nothing: the connection is left as it was.
 */
export async function checkConnection(
  runtime: Runtime,
  row: ConnectionRow,
  reader: CredentialReader,
): Promise<Connection> {
  const provider = await runtime.findProvider(row.provider, row);
  if (provider?.kind !== "oauth2" || !provider.identity || row.status !== "active") {
    return toConnection(row);
  }
  const db = await runtime.db();
  const reschedule = () => recordCheck(db, row.id, new Date(Date.now() + runtime.checkIntervalMs));
  for (const forceRefresh of [false, true]) {
    let credential: CredentialResult;
    try {
      const current = (await findConnectionById(db, row.id)) ?? row;
      credential = await reader.forRow(current, { forceRefresh });
    } catch (error) {
      if (error instanceof ConnectionsError && error.code === "reauth_required") break;
      throw error;
    }
    if (credential.type !== "oauth2") return toConnection(row);
    const who = await fetchIdentity(provider, credential, runtime.timeoutMs);
    if (who.ok) {
      await reschedule();
      return toConnection((await findConnectionById(db, row.id)) ?? row);
    }
    if (who.status !== 401) {
      throw new ConnectionsError(
        "provider_unreachable",
        `${provider.displayName} could not be checked`,
        {
          provider: provider.name,
        },
      );
    }
  }
  const failed = await markAuthFailed(db, row.id);
  if (failed) runtime.emit({ type: "connection.auth_failed", connection: toConnection(failed) });
  return toConnection(failed ?? (await findConnectionById(db, row.id)) ?? row);
}
