import type { ChangeFeed } from "./credentials/change-feed";
import type { ConnectionEvent } from "./events";
import type { ProviderOwner } from "./mcp/servers";
import type { Provider } from "./providers/types";
import type { Database } from "./store/store";
import type { Vault } from "./vault";

/** What every part of a `createConnections` instance shares. */
export type Runtime = {
  db(): Promise<Database>;
  vault: Vault;
  providers: Map<string, Provider>;
  emit(event: Omit<ConnectionEvent, "at">): void;
  changes: ChangeFeed;
  /** Names this instance as the owner of the refresh leases it takes. */
  instanceId: string;
  /** Timeout for every call to a provider. */
  timeoutMs: number;
  /** Refresh this long before expiry. */
  refreshSkewMs: number;
  /** How long a refresh lease lasts; longer than a provider call may take. */
  leaseMs: number;
  /** How often the worker health-checks a connection. */
  checkIntervalMs: number;
  /** Fills in a provider that discovers itself (MCP servers); a no-op for the others. */
  prepareProvider?: (provider: Provider, options?: { rediscover?: boolean }) => Promise<void>;
  /**
   * The host's provider by that name, else an MCP server the tenant added at run time and the
   * owner may see (`POST /mcp-servers`).
   */
  findProvider(name: string, owner: ProviderOwner): Promise<Provider | undefined>;
};

/** The worker's and the connect flow's view of when a credential needs attention. */
export function scheduleSettings(runtime: Runtime, providerName: string) {
  const provider = runtime.providers.get(providerName);
  return {
    refreshSkewMs: runtime.refreshSkewMs,
    checkIntervalMs: runtime.checkIntervalMs,
    hasIdentity: provider?.kind === "oauth2" && Boolean(provider.identity),
  };
}
