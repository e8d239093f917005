import type { ProviderLookup } from "../providers/registry";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import type { ChangeFeed } from "./change-feed";
import { createHealthCheck } from "./check";
import { createDisconnect } from "./disconnect";
import { createCredentialReader } from "./reader";
import { createRefresher } from "./refresh";

/**
 * A credential's life after the connect: read (warm from memory, single flight), refreshed
 * under a lease across instances, health-checked, revoked and forgotten. What happened is reported through the
 * callbacks; the caller decides what to emit.
 */
export function createCredentialLifecycle(deps: {
  db(): Promise<Database>;
  vault: Vault;
  changes: ChangeFeed;
  findProvider: ProviderLookup;
  instanceId: string;
  leaseMs: number;
  timeoutMs: number;
  refreshSkewMs: number;
  checkIntervalMs: number;
  cacheSize: number;
  onRefreshed(row: ConnectionRow): void;
  onAuthFailed(row: ConnectionRow, reason?: "issuer_changed"): void;
  onRevoked(row: ConnectionRow): void;
  onDeleted(row: ConnectionRow): void;
}) {
  const refresher = createRefresher(deps);
  const reader = createCredentialReader({ ...deps, refresher });
  const check = createHealthCheck({
    db: deps.db,
    read: reader.forRow,
    timeoutMs: deps.timeoutMs,
    checkIntervalMs: deps.checkIntervalMs,
    onAuthFailed: (row) => deps.onAuthFailed(row),
  });
  const disconnect = createDisconnect(deps);
  return { refresher, reader, check, disconnect };
}
