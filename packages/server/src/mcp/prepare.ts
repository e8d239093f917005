import type { KitUrls } from "../oauth/redirect-uris";
import type { Provider } from "../providers/types";
import type { Logger } from "../shared/logger";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import { isMcpProvider, type McpPrepareContext } from "./provider";

/**
 * Fills in an MCP provider (discovery and registration) with what this instance of the kit
 * says about itself; a no-op for every other provider. Registrations under way are shared, so
 * servers behind one authorization server register once.
 */
export function createMcpPreparer(deps: {
  db(): Promise<Database>;
  vault: Vault;
  clientName: string;
  clientUri: string;
  urls: KitUrls;
}) {
  const registering: McpPrepareContext["registering"] = new Map();
  return async (provider: Provider, options?: { rediscover?: boolean }): Promise<void> => {
    if (!isMcpProvider(provider)) return;
    const context: McpPrepareContext = {
      db: await deps.db(),
      vault: deps.vault,
      registering,
      clientName: deps.clientName,
      clientUri: deps.clientUri,
      redirectUriFor: deps.urls.redirectUriFor,
      clientMetadataUrlFor: deps.urls.clientMetadataUrlFor,
    };
    await provider.mcp.prepare(context, options);
  };
}

/**
 * The host's MCP servers at start. One that is down must not stop the app: it stays listed as
 * not configured and is discovered again on the next connect or credential request.
 */
export async function prepareAll(
  providers: Iterable<Provider>,
  prepare: (provider: Provider) => Promise<void>,
  logger: Logger,
): Promise<void> {
  for (const provider of providers) {
    if (!isMcpProvider(provider)) continue;
    await prepare(provider).catch((error: unknown) =>
      logger.warn(
        { code: (error as { code?: unknown })?.code, provider: provider.name },
        "@x/server: MCP server not ready",
      ),
    );
  }
}
