import { openCredential } from "../connections/credential";
import { deleteConnection, listVisibleConnections } from "../connections/repository";
import { issuerOf } from "../oauth/authorization-server";
import { revokeToken } from "../oauth/revoke-token";
import type { Provider } from "../providers/types";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";

export type DisconnectDeps = {
  db(): Promise<Database>;
  vault: Vault;
  timeoutMs: number;
  /** The provider confirmed the revocation (RFC 7009). */
  onRevoked(row: ConnectionRow): void;
  onDeleted(row: ConnectionRow): void;
};

/**
 * RFC 7009: revoke at the provider when it can, then forget the credential either way. A
 * provider that cannot be reached must not keep a user from disconnecting; the events say
 * whether the provider confirmed.
 */
export function createDisconnect(deps: DisconnectDeps) {
  async function disconnect(provider: Provider | undefined, row: ConnectionRow): Promise<void> {
    const revoked = await revoke(provider, row).catch(() => false);
    if (revoked) deps.onRevoked(row);
    if (await deleteConnection(await deps.db(), row.id)) deps.onDeleted(row);
  }

  /** Revoking the refresh token revokes the grant; true when the provider confirmed. */
  async function revoke(provider: Provider | undefined, row: ConnectionRow): Promise<boolean> {
    if (provider?.kind !== "oauth2" || !provider.revocationEndpoint || row.status === "revoked") {
      return false;
    }
    // Another issuer than the one that granted it never sees the token, not even to revoke it.
    if (row.issuer !== null && row.issuer !== issuerOf(provider)) return false;
    const credential = await openCredential(deps.vault, row);
    if (credential.type !== "oauth2") return false;
    const token = credential.refreshToken ?? credential.accessToken;
    const endpoint = provider.revocationEndpoint;
    await revokeToken({ ...provider, revocationEndpoint: endpoint }, token, deps.timeoutMs);
    return true;
  }

  /** Every connection of the tenant to a provider: a removed MCP server. */
  async function disconnectAllOf(provider: Provider | undefined, tenantId: string): Promise<void> {
    if (!provider) return;
    const rows = await listVisibleConnections(await deps.db(), {
      tenantId,
      provider: provider.name,
    });
    for (const row of rows) await disconnect(provider, row);
  }

  return { disconnect, disconnectAllOf };
}

export type Disconnect = ReturnType<typeof createDisconnect>;
